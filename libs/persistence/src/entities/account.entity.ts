import { ACCOUNT_STATUSES, AccountStatus, KeyHealthStatus } from '@lever-assess/domain';
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { sqlIn } from './sql-check.util';

/** How the account reaches Lever: a pasted API key (Basic) or OAuth tokens (Bearer). */
export const LEVER_AUTH_KINDS = ['api_key', 'oauth'] as const;
export type LeverAuthKind = (typeof LEVER_AUTH_KINDS)[number];

/** What a webhook sync registered in Lever: `ids` maps each event to the Lever webhook id. */
export interface RegisteredLeverWebhooks {
  url: string;
  ids: Record<string, string>;
  /** ISO time of the sync that wrote this. */
  syncedAt: string;
}

/**
 * A customer company connected to Lever. The `*_enc` columns hold values sealed by SecretBox
 * (@lever-assess/common) before they get here; they are `select: false` so that an ordinary read
 * never carries them (AccountsRepository has explicit `...WithSecrets` reads).
 */
@Entity('accounts')
@Check('ck_accounts_status', sqlIn('status', ACCOUNT_STATUSES))
@Check('ck_accounts_lever_auth_kind', sqlIn('lever_auth_kind', LEVER_AUTH_KINDS))
@Check(
  'ck_accounts_lever_oauth_tokens',
  `"lever_auth_kind" <> 'oauth' OR ("lever_oauth_access_token_enc" IS NOT NULL AND "lever_oauth_refresh_token_enc" IS NOT NULL AND "lever_oauth_expires_at" IS NOT NULL)`,
)
export class Account {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Status tags are `<tagPrefix> - <suffix>`. */
  @Column({ type: 'text' })
  tagPrefix: string;

  @Column({ type: 'text', default: AccountStatus.Active })
  status: AccountStatus;

  /** Why the account is disconnected/disabled (e.g. LEVER_KEY_REVOKED), shown to admins. */
  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  /** Path segment of the Lever webhook URL: random, unguessable, never reused. */
  @Index('uq_accounts_webhook_key', { unique: true })
  @Column({ type: 'text' })
  webhookKey: string;

  /** Sealed. Absent unless selected explicitly. Null for an OAuth account (and one created for OAuth, until connected). */
  @Column({ type: 'text', nullable: true, select: false })
  leverApiKeyEnc?: string | null;

  @Column({ type: 'text', default: 'api_key' })
  leverAuthKind: LeverAuthKind;

  /** Sealed OAuth access token (oauth accounts). Absent unless selected. */
  @Column({ type: 'text', nullable: true, select: false })
  leverOauthAccessTokenEnc?: string | null;

  /** Sealed OAuth refresh token; Lever rotates it on every refresh. Absent unless selected. */
  @Column({ type: 'text', nullable: true, select: false })
  leverOauthRefreshTokenEnc?: string | null;

  /** When the stored access token expires (not secret). */
  @Column({ type: 'timestamptz', nullable: true })
  leverOauthExpiresAt: Date | null;

  /**
   * Sealed signature token of the candidateStageChange webhook. Absent unless selected. Null until
   * the account's webhooks are registered through Lever's API (deliveries are refused until then).
   */
  @Column({ type: 'text', nullable: true, select: false })
  leverSignatureTokenEnc?: string | null;

  /** The Lever webhooks this product registered for the account (ids, not secrets); null: none. */
  @Column({ type: 'jsonb', nullable: true })
  leverWebhooks: RegisteredLeverWebhooks | null;

  /** Sealed JSON map `{ <eventName>: token }`, one blob. Absent unless selected. */
  @Column({ type: 'text', nullable: true, select: false })
  leverSignatureTokensEnc?: string | null;

  /** Lever user the integration acts as (notes, tags are attributed to them). */
  @Column({ type: 'text', nullable: true })
  performAsUserId: string | null;

  /** The account's Lever API base URL (EU and other regions); null: the deployment's LEVER_API_URL. */
  @Column({ type: 'text', nullable: true })
  leverApiUrl: string | null;

  @Column({ type: 'text' })
  platformAccountId: string;

  /** The last key check's finding (KeyHealthStatus); reset to `unchecked` when the key is replaced. */
  @Column({ type: 'text', default: KeyHealthStatus.Unchecked })
  healthStatus: KeyHealthStatus;

  @Column({ type: 'timestamptz', nullable: true })
  healthCheckedAt: Date | null;

  /** What the check found wrong and what to do, in plain words (no secrets). */
  @Column({ type: 'text', nullable: true })
  healthProblem: string | null;

  /** Whether result notes notify the candidate's followers in Lever (a per-account choice). */
  @Column({ type: 'boolean', default: false })
  notifyFollowers: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** An account read with its sealed secrets (for calling Lever / verifying its webhooks). */
export type AccountWithSecrets = Account & {
  leverApiKeyEnc: string | null;
  leverOauthAccessTokenEnc: string | null;
  leverOauthRefreshTokenEnc: string | null;
  leverSignatureTokenEnc: string | null;
  leverSignatureTokensEnc: string | null;
};
