import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';
import { AdminToken } from './admin-token.entity';

/**
 * A browser session of the console (issue 18): the httpOnly cookie holds a random secret, stored
 * here as SHA-256 hex only. `actor` is the audit label of who signed in (`bootstrap`,
 * `admin-token:<id>`, `sign-in-link:<id>`); `accountId` set limits the session to that account.
 * A session made from an admin token dies with it (revoked: checked on every request; deleted:
 * cascade), and every session dies with its account.
 */
@Entity('console_sessions')
@Check('ck_console_sessions_secret_hash', `"secret_hash" ~ '^[0-9a-f]{64}$'`)
export class ConsoleSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_console_sessions_secret_hash', { unique: true })
  @Column({ type: 'text' })
  secretHash: string;

  @Column({ type: 'text' })
  actor: string;

  /** The token's or link's name, for the page and the audit log's `actorName`. */
  @Column({ type: 'text' })
  actorName: string;

  @Column({ type: 'uuid', nullable: true })
  adminTokenId: string | null;

  @ManyToOne(() => AdminToken, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'admin_token_id' })
  adminToken?: AdminToken;

  @Column({ type: 'uuid', nullable: true })
  accountId: string | null;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Index('ix_console_sessions_expires_at')
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}

/**
 * A one-time sign-in link (`npm start` prints one for the demo account): its code is stored as
 * SHA-256 hex, works once (`usedAt`) and briefly (`expiresAt`), and makes a console session for
 * `accountId` (null: a vendor admin session).
 */
@Entity('console_sign_in_links')
@Check('ck_console_sign_in_links_code_hash', `"code_hash" ~ '^[0-9a-f]{64}$'`)
export class ConsoleSignInLink {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_console_sign_in_links_code_hash', { unique: true })
  @Column({ type: 'text' })
  codeHash: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'uuid', nullable: true })
  accountId: string | null;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  /** Audit label of the admin who created the link. */
  @Column({ type: 'text' })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
