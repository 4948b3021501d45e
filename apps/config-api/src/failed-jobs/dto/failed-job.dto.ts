import { QUEUE_NAMES, type QueueName } from '@lever-assess/queues';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../shared/http/page-query.dto';

export class FailedJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: QUEUE_NAMES, description: 'One queue; all queues when left out (limit/offset apply per queue)' })
  @IsOptional()
  @IsIn(QUEUE_NAMES)
  queue?: QueueName;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only jobs whose payload names this account (an account token: its own, always)' })
  @IsOptional()
  @IsUUID()
  accountId?: string;
}

export class FailedJobDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: QUEUE_NAMES }) queue: QueueName;
  @ApiProperty({ description: 'Why the last attempt failed' }) failedReason: string;
  @ApiProperty() attemptsMade: number;
  @ApiProperty({ type: String, format: 'date-time', description: 'When the job was added' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) processedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) failedAt: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The ids the job carries (accountId, opportunityId, assessmentId, eventId, ...); never secrets',
  })
  ids: Record<string, string>;
}

export class FailedJobListDto {
  @ApiProperty({ type: [FailedJobDto] }) items: FailedJobDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Failed jobs per queue listed' })
  totals: Record<string, number>;
}

export class RetriedJobDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: QUEUE_NAMES }) queue: QueueName;
  @ApiProperty({ description: 'The job state after the retry (waiting or delayed)' }) state: string;
}

/** Most failed jobs one bulk retry replays; a larger backlog is replayed by calling again (`more`). */
export const MAX_BULK_RETRY = 500;
/** An error code as failed reasons start with it (`LEVER_KEY_REVOKED: ...`). */
export const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export class RetryFailedJobsDto {
  @ApiPropertyOptional({ enum: QUEUE_NAMES, description: 'One queue; all queues when left out' })
  @IsOptional()
  @IsIn(QUEUE_NAMES)
  queue?: QueueName;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Jobs of this account (their payload's accountId); platform-events jobs carry none, so they never match",
  })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ example: 'LEVER_KEY_REVOKED', description: 'Jobs whose failed reason starts with `<code>:`' })
  @IsOptional()
  @IsString()
  @Matches(ERROR_CODE, { message: 'code must be an error code such as LEVER_KEY_REVOKED' })
  code?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_BULK_RETRY, default: 100, description: 'Most jobs replayed, oldest failures first' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BULK_RETRY)
  limit?: number;
}

export class NotRetriedJobDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: QUEUE_NAMES }) queue: QueueName;
  @ApiProperty({ example: 'JOB_NOT_FAILED', description: 'JOB_NOT_FAILED (replayed or removed meanwhile) or RETRY_FAILED' })
  reason: string;
}

export class BulkRetryResultDto {
  @ApiProperty({ description: 'How many jobs were replayed' }) retried: number;
  @ApiProperty({ type: [RetriedJobDto] }) jobs: RetriedJobDto[];
  @ApiProperty({ type: [NotRetriedJobDto], description: 'Matching jobs that could not be replayed' }) notRetried: NotRetriedJobDto[];
  @ApiProperty({ description: 'More failed jobs match than the limit: call again to replay them' }) more: boolean;
}
