import { ACCOUNT_STATUSES, type AccountStatus } from '@lever-assess/domain';
import { ApiProperty } from '@nestjs/swagger';

export const CONNECTION_CHECK_SEVERITIES = ['passed', 'warning', 'failed'] as const;
export type ConnectionCheckSeverity = (typeof CONNECTION_CHECK_SEVERITIES)[number];

export class ConnectionCheckDto {
  @ApiProperty({
    example: 'stages',
    description:
      'stages | opportunities | performAsUser | writeTags | writeLinks | writeNotes | confidentialAccess | tagCreation | webhooks; storedKey or connection when the account cannot be opened',
  })
  name: string;
  @ApiProperty({ description: 'False only for a failed check (a warning passes)' })
  ok: boolean;
  @ApiProperty({ enum: CONNECTION_CHECK_SEVERITIES })
  severity: ConnectionCheckSeverity;
  @ApiProperty({ description: 'What was found, or what is wrong, in plain words' })
  detail: string;
  @ApiProperty({ type: String, nullable: true, description: 'What to do about it, in plain words; null when nothing is to be done' })
  fix: string | null;
}

export class ConnectionTestDto {
  @ApiProperty({ description: 'True when no check failed (warnings allowed)' })
  ok: boolean;
  @ApiProperty({ type: [ConnectionCheckDto] })
  checks: ConnectionCheckDto[];
  @ApiProperty({ enum: ACCOUNT_STATUSES, description: 'The account status after the test' })
  accountStatus: AccountStatus;
}
