import { LeverOAuthClient, LeverOAuthGrantError } from '@lever-assess/lever-client';
import { SecretBox } from '@lever-assess/common';
import { AccountsRepository, accountSecretContext } from '@lever-assess/persistence';
import { AccountChangesPublisher, REDIS } from '@lever-assess/redis';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import type { ConfigApiEnv } from '../config';
import { CONFIG_API_ENV } from '../config-api.tokens';
import { LeverStagesService } from '../lever/lever-stages.service';
import { LeverWebhooksService } from '../lever/lever-webhooks.service';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { ConflictApiError } from '../shared/errors/api.errors';

/** How long an authorize URL's state is accepted (the admin logs in to Lever and approves meanwhile). */
export const OAUTH_STATE_TTL_S = 10 * 60;

/** What the callback answers: shown to the admin in the browser. */
export type CallbackResult = { ok: true; accountId: string } | { ok: false; status: number; reason: string };

interface StoredState {
  accountId: string;
  actor: AdminActor;
}

/**
 * OAuth connect (docs/oauth.md): the start hands out Lever's authorize URL with a one-time state
 * kept in Redis for 10 minutes (only its hash is the key, so a Redis dump holds no usable state);
 * the callback takes the state back once (GETDEL), exchanges the code and stores the tokens sealed.
 */
@Injectable()
export class LeverOAuthService {
  private readonly logger = new Logger(LeverOAuthService.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly lookup: AccountLookup,
    private readonly box: SecretBox,
    private readonly changes: AccountChangesPublisher,
    private readonly audit: AuditService,
    private readonly stages: LeverStagesService,
    private readonly webhooks: LeverWebhooksService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG_API_ENV) private readonly env: ConfigApiEnv,
    @Optional() @Inject(LeverOAuthClient) private readonly client?: LeverOAuthClient | null,
  ) {}

  /** @throws ConflictApiError (409 LEVER_OAUTH_NOT_CONFIGURED) while LEVER_OAUTH_* is not set */
  async start(actor: AdminActor, accountId: string): Promise<{ authorizeUrl: string; expiresInSeconds: number }> {
    if (!this.client) {
      throw new ConflictApiError(
        'LEVER_OAUTH_NOT_CONFIGURED',
        'OAuth with Lever is not configured on this server (LEVER_OAUTH_CLIENT_ID, LEVER_OAUTH_CLIENT_SECRET, LEVER_OAUTH_REDIRECT_URL); connect the account with an API key instead',
      );
    }
    await this.lookup.require(accountId);
    const state = randomBytes(32).toString('base64url');
    const stored: StoredState = { accountId, actor };
    await this.redis.set(this.stateKey(state), JSON.stringify(stored), 'EX', OAUTH_STATE_TTL_S);
    await this.audit.record(actor, {
      action: 'account.lever.oauth.start',
      accountId,
      entityType: 'account',
      entityId: accountId,
      details: {},
    });
    return { authorizeUrl: this.client.authorizeUrl(state), expiresInSeconds: OAUTH_STATE_TTL_S };
  }

  async callback(query: { code?: string; state?: string; error?: string; error_description?: string }): Promise<CallbackResult> {
    if (!this.client) return { ok: false, status: 409, reason: 'OAuth with Lever is not configured on this server.' };
    if (!query.state) return { ok: false, status: 400, reason: 'The link has no state. Start the connection again from the admin API.' };
    // GETDEL: a state works once, whatever happens next.
    const raw = await this.redis.getdel(this.stateKey(query.state));
    if (!raw) {
      return {
        ok: false,
        status: 400,
        reason: 'This link is unknown, expired (after 10 minutes) or already used. Start the connection again from the admin API.',
      };
    }
    const { accountId, actor } = JSON.parse(raw) as StoredState;
    if (query.error) {
      return { ok: false, status: 400, reason: `Lever did not authorize the connection (${query.error}). Start it again to retry.` };
    }
    if (!query.code) return { ok: false, status: 400, reason: 'Lever sent no code. Start the connection again.' };

    let tokens;
    try {
      tokens = await this.client.exchangeCode(query.code);
    } catch (err) {
      this.logger.warn({ accountId, err: (err as Error).message, msg: 'Lever OAuth code exchange failed' });
      if (err instanceof LeverOAuthGrantError)
        return { ok: false, status: 400, reason: 'Lever refused the code. Start the connection again.' };
      return { ok: false, status: 502, reason: "Lever's OAuth server did not answer. Start the connection again in a moment." };
    }
    const connected = await this.accounts.connectOAuth(accountId, {
      accessTokenEnc: this.box.encrypt(tokens.accessToken, accountSecretContext('leverOauthAccessTokenEnc', accountId)),
      refreshTokenEnc: this.box.encrypt(tokens.refreshToken, accountSecretContext('leverOauthRefreshTokenEnc', accountId)),
      expiresAt: tokens.expiresAt,
    });
    if (!connected) return { ok: false, status: 404, reason: 'The account was deleted meanwhile.' };
    this.stages.forget(accountId);
    await this.changes.announce(accountId);
    await this.audit.record(actor, {
      action: 'account.lever.oauth.connect',
      accountId,
      entityType: 'account',
      entityId: accountId,
      details: { scope: tokens.scope },
    });
    this.logger.log({ accountId, msg: 'account connected to Lever with OAuth' });
    await this.webhooks.syncAfterConnect(actor, accountId);
    return { ok: true, accountId };
  }

  private stateKey(state: string): string {
    return `${this.env.QUEUE_PREFIX}:lever-oauth-state:${createHash('sha256').update(state).digest('hex')}`;
  }
}
