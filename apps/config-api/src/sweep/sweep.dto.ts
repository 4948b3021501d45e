import type { AccountSweepResult } from '@lever-assess/queues';
import { ApiProperty } from '@nestjs/swagger';

export const SweepState = { Finished: 'finished', Running: 'running' } as const;
export type SweepState = (typeof SweepState)[keyof typeof SweepState];

export class SweepAnswerDto {
  @ApiProperty() jobId: string;
  @ApiProperty({
    enum: Object.values(SweepState),
    description: '`finished`: `result` says what the sweep found and did. `running`: it took longer than the wait; it goes on.',
  })
  status: SweepState;
  @ApiProperty({ required: false, description: 'Present while running' }) message?: string;
  @ApiProperty({
    required: false,
    type: Object,
    description:
      '{ accountId, startedAt, finishedAt, stages: [{ stageId, listed, pages }], invited: [{ opportunityId, stageId, enteredAt, jobId }], skipped: { beforeLookback, beforeRule, alreadyHandled }, tagsRepaired: [{ opportunityId, assessmentId }], actions: [{ opportunityId, action, assessmentId, outcome }], leverRequests, complete }',
  })
  result?: AccountSweepResult;
}
