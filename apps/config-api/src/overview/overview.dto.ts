import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, Length } from 'class-validator';

export class RecentErrorDto {
  @ApiProperty({ type: String, format: 'date-time' })
  at: string;
  @ApiProperty({ description: 'invitation.failed or lever_sync.failed' })
  type: string;
  @ApiProperty()
  opportunityId: string;
  @ApiProperty({ type: String, nullable: true, description: 'The error code, e.g. CANDIDATE_NO_EMAIL' })
  code: string | null;
}

/** What the console's account list shows beside status and key health. */
export class AccountOverviewDto {
  @ApiProperty({ description: 'Jobs waiting for the account (parked while it is disconnected)' })
  parkedJobs: number;
  @ApiProperty({ description: 'Failed jobs of the account, kept for a replay' })
  failedJobs: number;
  @ApiProperty({ description: 'Assessments sent or completed, waiting for a result' })
  openAssessments: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the dispatcher last handled a Lever webhook' })
  lastWebhookAt: string | null;
  @ApiProperty({ type: [RecentErrorDto], description: 'The latest five, newest first' })
  recentErrors: RecentErrorDto[];
}

export class CandidateSearchQueryDto {
  @ApiProperty({ description: "The candidate's email, as in Lever" })
  @IsEmail()
  @Length(3, 320)
  email: string;
}

export class CandidateMatchDto {
  @ApiProperty({ description: 'Lever opportunity id' })
  opportunityId: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ type: String, nullable: true })
  stageName: string | null;
  @ApiProperty()
  archived: boolean;
}

export class CandidateSearchDto {
  @ApiProperty({ type: [CandidateMatchDto] })
  items: CandidateMatchDto[];
}
