import { AccountStatus } from '@lever-assess/domain';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, ValidateNested } from 'class-validator';
import { OptionalNotNull } from '../../shared/http/optional-not-null.decorator';
import { NameRules, PlatformAccountIdRules, TagPrefixRules } from './account-fields';
import { UpdateLeverCredentialsDto } from './lever-credentials.dto';

/** Statuses an admin may set; `disconnected` is only set by a failing Lever key. */
export const SETTABLE_STATUSES = [AccountStatus.Active, AccountStatus.Disabled] as const;

export class UpdateAccountDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @NameRules()
  name?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @TagPrefixRules()
  tagPrefix?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @PlatformAccountIdRules()
  platformAccountId?: string;

  @ApiPropertyOptional({ description: "Result notes notify the candidate's followers in Lever" })
  @OptionalNotNull()
  @IsBoolean()
  notifyFollowers?: boolean;

  @ApiPropertyOptional({ type: UpdateLeverCredentialsDto })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateLeverCredentialsDto)
  lever?: UpdateLeverCredentialsDto;

  @ApiPropertyOptional({ enum: SETTABLE_STATUSES, description: '`disabled` stops all processing for the account; `active` re-enables it' })
  @OptionalNotNull()
  @IsIn(SETTABLE_STATUSES)
  status?: (typeof SETTABLE_STATUSES)[number];
}
