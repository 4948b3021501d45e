import { ASSESSMENT_STATUSES, RULE_KINDS, type AssessmentStatus, type RuleKind } from '@lever-assess/domain';
import type { Assessment } from '@lever-assess/persistence';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../../shared/http/page-query.dto';

export class AssessmentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Lever opportunity id' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  opportunityId?: string;

  @ApiPropertyOptional({ enum: ASSESSMENT_STATUSES })
  @IsOptional()
  @IsIn(ASSESSMENT_STATUSES)
  status?: AssessmentStatus;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export class AssessmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() opportunityId: string;
  @ApiProperty() candidateId: string;
  @ApiProperty({ type: String, nullable: true }) contactId: string | null;
  @ApiProperty({ format: 'uuid' }) ruleId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) testId: string | null;
  @ApiProperty({ enum: RULE_KINDS }) kind: RuleKind;
  @ApiProperty({ enum: ASSESSMENT_STATUSES }) status: AssessmentStatus;
  @ApiProperty({ type: String, nullable: true }) platformInvitationId: string | null;
  @ApiProperty({ type: String, nullable: true }) candidateUrl: string | null;
  @ApiProperty({ type: String, nullable: true }) interviewerUrl: string | null;
  @ApiProperty({ type: String, nullable: true }) reportUrl: string | null;
  @ApiProperty({ type: Number, nullable: true }) score: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Stable failure code when status is error' }) errorCode: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'What went wrong and what to do' }) errorText: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) triggeredAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) scoredAt: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;

  static from(a: Assessment): AssessmentDto {
    return {
      id: a.id,
      opportunityId: a.opportunityId,
      candidateId: a.candidateId,
      contactId: a.contactId,
      ruleId: a.ruleId,
      testId: a.testId,
      kind: a.kind,
      status: a.status,
      platformInvitationId: a.platformInvitationId,
      candidateUrl: a.candidateUrl,
      interviewerUrl: a.interviewerUrl,
      reportUrl: a.reportUrl,
      score: a.score,
      errorCode: a.errorCode,
      errorText: a.errorText,
      triggeredAt: a.triggeredAt.toISOString(),
      completedAt: iso(a.completedAt),
      scoredAt: iso(a.scoredAt),
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
    };
  }
}

export class AssessmentPageDto {
  @ApiProperty({ type: [AssessmentDto] }) items: AssessmentDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export const ResendAction = { LeverSync: 'lever-sync', Retrigger: 'retrigger' } as const;
export type ResendAction = (typeof ResendAction)[keyof typeof ResendAction];

export class ResendResultDto {
  @ApiProperty({ format: 'uuid' }) assessmentId: string;
  @ApiProperty({
    enum: Object.values(ResendAction),
    description:
      '`lever-sync`: Lever is made to match the assessment again (tags, links, note). `retrigger`: the stage trigger runs again, as if the candidate had just reached the stage, so a new invitation can be sent.',
  })
  action: ResendAction;
  @ApiProperty({ description: 'The queue the job went to' }) queue: string;
  @ApiProperty() jobId: string;
}
