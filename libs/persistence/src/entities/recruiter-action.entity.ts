import { RECRUITER_ACTIONS, type RecruiterAction as RecruiterActionName } from '@lever-assess/domain';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';
import { sqlIn } from './sql-check.util';

export const RecruiterActionStatus = { Acted: 'acted', TagRemoved: 'tag_removed' } as const;
export type RecruiterActionStatus = (typeof RecruiterActionStatus)[keyof typeof RecruiterActionStatus];
const RECRUITER_ACTION_STATUSES: readonly RecruiterActionStatus[] = Object.values(RecruiterActionStatus);

/**
 * A recruiter action tag the sweep handled (docs/sweep.md). Written before acting: an 'acted' row
 * means "done, only the tag is left to remove", so the action runs once however often the tag is
 * seen; 'tag_removed' closes it, and the same tag added later is a new action.
 */
@Entity('recruiter_actions')
@Check('ck_recruiter_actions_action', sqlIn('action', RECRUITER_ACTIONS))
@Check('ck_recruiter_actions_status', sqlIn('status', RECRUITER_ACTION_STATUSES))
@Index('uq_recruiter_actions_acted', ['accountId', 'opportunityId', 'action'], { unique: true, where: `"status" = 'acted'` })
@Index('ix_recruiter_actions_account_opportunity', ['accountId', 'opportunityId'])
export class RecruiterActionRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column({ type: 'text' })
  opportunityId: string;

  @Column({ type: 'text' })
  action: RecruiterActionName;

  /** The assessment acted on; null when the candidate had none. */
  @Column({ type: 'uuid', nullable: true })
  assessmentId: string | null;

  /** What was done, e.g. `lever-sync`, `retrigger`, `canceled`, `nothing to resend`. */
  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  @Column({ type: 'text', default: RecruiterActionStatus.Acted })
  status: RecruiterActionStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** Set when the status changes: a tag removed after a sweep's listing is not acted on by it. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
