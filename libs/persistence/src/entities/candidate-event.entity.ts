import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';

/**
 * One step of a candidate's timeline (docs/config-api.md, timeline): appended by the dispatcher
 * and result-sync, read by support through `GET /v1/accounts/:id/events`. `detail` holds ids,
 * stage ids, tags, codes and counts only, never personal data, so a purge of a deleted candidate
 * can keep the rows. `type` is a CandidateEventType without a CHECK on purpose: new steps come
 * with new features, and an unknown type only reads oddly. `assessment_id` has no foreign key for
 * the same reason as the rows outlive a purge. `id` is a bigint, which pg returns as a string.
 */
@Entity('candidate_events')
@Index('ix_candidate_events_account_opportunity_at', ['accountId', 'opportunityId', 'at', 'id'])
export class CandidateEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column({ type: 'text' })
  opportunityId: string;

  @Column({ type: 'uuid', nullable: true })
  assessmentId: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'text' })
  type: string;

  /** The delivery token of the webhook that started it, or the job's correlation id. */
  @Column({ type: 'text' })
  correlationId: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  detail: Record<string, unknown>;
}
