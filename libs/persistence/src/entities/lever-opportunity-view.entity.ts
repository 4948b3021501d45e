import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Account } from './account.entity';

/**
 * What we know of an opportunity's tags and links in Lever: what the dispatcher read, changed by
 * every write result-sync makes. result-sync plans its writes from it instead of reading the
 * opportunity again, so a candidate reaches `Sent` in two Lever requests (docs/performance.md).
 * A recruiter's own tag edits are not seen here until the next read.
 */
@Entity('lever_opportunity_views')
export class LeverOpportunityView {
  @PrimaryColumn({ type: 'uuid' })
  accountId: string;

  @PrimaryColumn({ type: 'text' })
  opportunityId: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column({ type: 'text', array: true })
  tags: string[];

  @Column({ type: 'text', array: true })
  links: string[];

  /** When Lever last showed or was told this: an older read never overwrites a newer write. */
  @Column({ type: 'timestamptz' })
  observedAt: Date;
}
