import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { NameRules, PlatformAccountIdRules, TagPrefixRules } from './account-fields';
import { LeverCredentialsDto } from './lever-credentials.dto';

export class CreateAccountDto {
  @ApiProperty({ example: 'Acme Corp' })
  @NameRules()
  name: string;

  @ApiProperty({ example: 'Acme Test', description: 'Status tags are "<tagPrefix> - Sent", "- Pass", ...' })
  @TagPrefixRules()
  tagPrefix: string;

  @ApiProperty({ type: LeverCredentialsDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => LeverCredentialsDto)
  lever: LeverCredentialsDto;

  @ApiProperty({ example: 'acme', description: 'The customer id on the assessment platform' })
  @PlatformAccountIdRules()
  platformAccountId: string;

  @ApiPropertyOptional({ default: false, description: "Result notes notify the candidate's followers in Lever" })
  @IsOptional()
  @IsBoolean()
  notifyFollowers?: boolean;
}
