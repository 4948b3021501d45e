import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Who changed what. No foreign key to accounts on purpose: the trail outlives a deleted account.
 * `id` is a bigint, which pg returns as a string.
 */
@Entity('audit_log')
@Index('ix_audit_log_account_created', ['accountId', 'createdAt'])
export class AuditLogEntry {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  /** e.g. `admin-token:<id>` or `system`. */
  @Column({ type: 'text' })
  actor: string;

  /** e.g. `account.create`, `trigger-rule.update`. */
  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'uuid', nullable: true })
  accountId: string | null;

  @Column({ type: 'text' })
  entityType: string;

  @Column({ type: 'text' })
  entityId: string;

  /** Never secrets: AuditLogRepository redacts secret-looking keys before writing. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
