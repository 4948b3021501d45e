import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyRecord, LeverPermission } from '../store/sandbox.model';

/** Lever OAuth scopes the sandbox grants, and the key permissions each one carries on /v1. */
export const SCOPE_PERMISSIONS: Record<string, readonly LeverPermission[]> = {
  offline_access: [],
  'opportunities:read:admin': ['opportunities:read'],
  // A write scope lets the app read what it writes (sandbox decision; Lever is silent).
  'opportunities:write:admin': ['opportunities:read', 'opportunities:write'],
  'notes:read:admin': ['notes:read'],
  'notes:write:admin': ['notes:read', 'notes:write'],
  'stages:read:admin': ['stages:read'],
  'users:read:admin': ['users:read'],
  'tags:read:admin': ['tags:read'],
  'archive_reasons:read:admin': ['archive_reasons:read'],
  'webhooks:write:admin': ['webhooks:read', 'webhooks:write'],
  // Accepted because Lever recommends them; the sandbox serves no route that needs them.
  'feedback:write:admin': [],
  'feedback_templates:write:admin': [],
  'files:write:admin': [],
};

const CODE_TTL_MS = 10 * 60_000;

/** One authorization of one client by one company: its tokens act as the synthetic key `oauth_<grantId>`. */
export interface OAuthGrant {
  id: string;
  companyId: string;
  clientId: string;
  scopes: string[];
  state: 'active' | 'revoked';
  /** Rate limit, faults, permissions and the request log key on it like on an API key. */
  key: ApiKeyRecord;
  /** The one refresh token that works now (rotation). */
  refreshToken: string | null;
  issuedAccessTokens: number;
  refreshes: number;
}

interface PendingCode {
  grantId: string;
  clientId: string;
  redirectUri: string;
  expiresAt: number;
}

export type TokenAnswer = { access_token: string; refresh_token?: string; expires_in: number; token_type: 'Bearer'; scope: string };

/** OAuth grants, codes and tokens in memory; cleared by /_sandbox/reset. */
export class OAuthStore {
  readonly grants = new Map<string, OAuthGrant>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly accessTokens = new Map<string, { grantId: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, string>();
  /** Token endpoint calls by grant_type, refused ones included. */
  readonly tokenRequests: Record<string, number> = {};

  constructor(private readonly accessTtlS: () => number) {}

  clear(): void {
    this.grants.clear();
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    for (const k of Object.keys(this.tokenRequests)) delete this.tokenRequests[k];
  }

  /** The company's admin approved: a new grant and a one-time code (10 min). */
  approve(companyId: string, clientId: string, redirectUri: string, scopes: string[]): string {
    const id = randomUUID();
    const permissions = new Set(scopes.flatMap((s) => SCOPE_PERMISSIONS[s] ?? []));
    const key: ApiKeyRecord = { id: `oauth_${id}`, apiKey: '', companyId, state: 'active', permissions };
    this.grants.set(id, { id, companyId, clientId, scopes, state: 'active', key, refreshToken: null, issuedAccessTokens: 0, refreshes: 0 });
    const code = token('code');
    this.codes.set(code, { grantId: id, clientId, redirectUri, expiresAt: Date.now() + CODE_TTL_MS });
    return code;
  }

  /** A code works once, for the client and redirect_uri it was issued to. Null: invalid_grant. */
  exchange(code: string, clientId: string, redirectUri: string): TokenAnswer | null {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || pending.expiresAt < Date.now() || pending.clientId !== clientId || pending.redirectUri !== redirectUri) return null;
    const grant = this.grants.get(pending.grantId);
    return grant?.state === 'active' ? this.issue(grant) : null;
  }

  /** Rotation: the old refresh token dies here; using it again is invalid_grant. */
  refresh(refreshToken: string, clientId: string): TokenAnswer | null {
    const grantId = this.refreshTokens.get(refreshToken);
    this.refreshTokens.delete(refreshToken);
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant || grant.state !== 'active' || grant.clientId !== clientId || grant.refreshToken !== refreshToken) return null;
    grant.refreshes++;
    return this.issue(grant);
  }

  /** The grant behind a Bearer token, or null when unknown, expired or revoked. */
  authenticate(accessToken: string): OAuthGrant | null {
    const entry = this.accessTokens.get(accessToken);
    if (!entry || entry.expiresAt <= Date.now()) return null;
    const grant = this.grants.get(entry.grantId);
    return grant?.state === 'active' ? grant : null;
  }

  /** An admin removes the app in Lever: every token of the grant stops working. */
  revoke(grantId: string): boolean {
    const grant = this.grants.get(grantId);
    if (!grant) return false;
    grant.state = 'revoked';
    grant.key.state = 'revoked';
    return true;
  }

  /** Ends the current access tokens early (tests of the 401 -> refresh -> retry path). */
  expireAccessTokens(grantId: string): number {
    let n = 0;
    for (const [t, e] of this.accessTokens) {
      if (e.grantId !== grantId) continue;
      this.accessTokens.delete(t);
      n++;
    }
    return n;
  }

  describe(grant: OAuthGrant) {
    const { key, refreshToken: _refresh, ...rest } = grant;
    return { ...rest, keyId: key.id, permissions: [...key.permissions] };
  }

  private issue(grant: OAuthGrant): TokenAnswer {
    const ttl = this.accessTtlS();
    const access = token('at');
    this.accessTokens.set(access, { grantId: grant.id, expiresAt: Date.now() + ttl * 1000 });
    grant.issuedAccessTokens++;
    const answer: TokenAnswer = { access_token: access, expires_in: ttl, token_type: 'Bearer', scope: grant.scopes.join(' ') };
    // Like Lever: a refresh token only with offline_access.
    if (!grant.scopes.includes('offline_access')) return answer;
    const refresh = token('rt');
    if (grant.refreshToken) this.refreshTokens.delete(grant.refreshToken);
    grant.refreshToken = refresh;
    this.refreshTokens.set(refresh, grant.id);
    return { ...answer, refresh_token: refresh };
  }
}

const token = (kind: string) => `${kind}_${randomBytes(24).toString('base64url')}`;
