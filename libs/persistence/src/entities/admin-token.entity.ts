import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A config-API bearer token. Only its SHA-256 (hex) is stored; the CHECK refuses anything else. */
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

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
