import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';

/**
 * A config-API bearer token. Only its SHA-256 (hex) is stored; the CHECK refuses anything else.
 * `accountId` null: a vendor admin's token (every account); set: an account-scoped token that
 * reaches only that account's routes (issue 18), deleted with the account.
 */
@Entity('admin_tokens')
@Check('ck_admin_tokens_token_hash', `"token_hash" ~ '^[0-9a-f]{64}$'`)
export class AdminToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Index('uq_admin_tokens_token_hash', { unique: true })
  @Column({ type: 'text' })
  tokenHash: string;

  @Index('ix_admin_tokens_account_id')
  @Column({ type: 'uuid', nullable: true })
  accountId: string | null;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
