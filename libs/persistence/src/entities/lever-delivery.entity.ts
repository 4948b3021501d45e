import { LeverEventName } from '@lever-assess/domain';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Account } from './account.entity';

/** A Lever webhook delivery, recorded once per (account, token): Lever's token is the dedupe key. */
@Entity('lever_deliveries')
@Index('ix_lever_deliveries_received_at', ['receivedAt'])
export class LeverDelivery {
  @PrimaryColumn({ type: 'uuid' })
  accountId: string;

  @PrimaryColumn({ type: 'text' })
  deliveryToken: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column({ type: 'text' })
  opportunityId: string;

  /** The Lever event (stage change, archive change, hired, deleted). */
  @Column({ type: 'text', default: LeverEventName.StageChange })
  event: LeverEventName;

  /** The stage a stage change went to; null for the other events. */
  @Column({ type: 'text', nullable: true })
  toStageId: string | null;

  @Column({ type: 'timestamptz' })
  triggeredAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;

  /** What processing decided (e.g. `no_rule`, `assessment:<id>`), for support. */
  @Column({ type: 'text', nullable: true })
  outcome: string | null;
}
