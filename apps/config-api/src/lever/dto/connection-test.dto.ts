import { ACCOUNT_STATUSES, type AccountStatus } from '@lever-assess/domain';
import { ApiProperty } from '@nestjs/swagger';

export class ConnectionCheckDto {
  @ApiProperty({ example: 'stages', description: 'stages | opportunities | performAsUser | storedKey' })
  name: string;
  @ApiProperty()
  ok: boolean;
  @ApiProperty({ description: 'What was found, or what is wrong and what to do, in plain words' })
  detail: string;
}

export class ConnectionTestDto {
  @ApiProperty({ description: 'True when every check passed' })
  ok: boolean;
  @ApiProperty({ type: [ConnectionCheckDto] })
  checks: ConnectionCheckDto[];
  @ApiProperty({ enum: ACCOUNT_STATUSES, description: 'The account status after the test' })
  accountStatus: AccountStatus;
}
