import { QUEUE_NAMES, type QueueName } from '@lever-assess/queues';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../shared/http/page-query.dto';

export class FailedJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: QUEUE_NAMES, description: 'One queue; all queues when left out (limit/offset apply per queue)' })
  @IsOptional()
  @IsIn(QUEUE_NAMES)
  queue?: QueueName;
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
