import { CANDIDATE_EVENT_TYPES, type CandidateEventType } from '@lever-assess/domain';
import { MAX_CANDIDATE_EVENTS, type CandidateEvent } from '@lever-assess/persistence';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_TIMELINE_LIMIT = 500;

export class TimelineQueryDto {
  @ApiProperty({ description: 'Lever opportunity id', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  opportunityId: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_CANDIDATE_EVENTS,
    default: DEFAULT_TIMELINE_LIMIT,
    description: 'The oldest steps first',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_CANDIDATE_EVENTS)
  limit?: number;
}

export class TimelineEventDto {
  @ApiProperty({ type: String, format: 'date-time' }) at: string;
  @ApiProperty({ enum: CANDIDATE_EVENT_TYPES, description: 'docs/config-api.md lists the types and their detail fields' })
  type: CandidateEventType;
  @ApiProperty({ description: "The Lever delivery token of the webhook that started it, or the job's correlation id" })
  correlationId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assessmentId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Ids, stage ids, tags, codes and counts; never personal data' })
  detail: Record<string, unknown>;

  static from(e: CandidateEvent): TimelineEventDto {
    return {
      at: e.at.toISOString(),
      type: e.type as CandidateEventType,
      correlationId: e.correlationId,
      assessmentId: e.assessmentId,
      detail: e.detail,
    };
  }
}

export class TimelineDto {
  @ApiProperty({ type: [TimelineEventDto], description: 'Oldest first' }) data: TimelineEventDto[];
}
