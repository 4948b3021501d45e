import { HttpCallError, httpCall } from '@lever-assess/common';

/** Where Lever's OAuth server is and who we are to it (lever-api.md 1.2). */
export interface LeverOAuthOptions {
  /** e.g. https://auth.lever.co (authorize at /authorize, token at /oauth/token). */
  url: string;
  /** The browser's way to the same server, when it differs (docker compose); default `url`. */
  authorizeUrl?: string;
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
  timeoutMs?: number;
}

/** The audience Lever requires on /authorize: the Data API the tokens are for. */
export const LEVER_OAUTH_AUDIENCE = 'https://api.lever.co/v1/';

/** What lever-assess needs (lever-api.md 1.2); offline_access for a refresh token. */
export const LEVER_OAUTH_SCOPES = [
  'offline_access',
  'opportunities:read:admin',
  'opportunities:write:admin',
  'notes:write:admin',
  'stages:read:admin',
  'tags:read:admin',
  'users:read:admin',
  'archive_reasons:read:admin',
  'webhooks:write:admin',
] as const;

export interface LeverOAuthTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scope: string;
}

/** Lever refused the code or refresh token (OAuth `invalid_grant`): the grant is gone, ask the admin to reconnect. */
export class LeverOAuthGrantError extends Error {
  readonly code = 'LEVER_OAUTH_REVOKED';
  readonly retryable = false;
  constructor(readonly oauthError: string) {
    super(`Lever refused the stored authorization (${oauthError}); reconnect the account with OAuth`);
    this.name = 'LeverOAuthGrantError';
  }
}

/** The token endpoint did not answer usefully (network, 5xx, a body that is not a token): try again later. */
export class LeverOAuthUnavailableError extends Error {
  readonly code = 'LEVER_OAUTH_UNAVAILABLE';
  readonly retryable = true;
  constructor(reason: string) {
    super(`Lever's OAuth server did not answer: ${reason}`);
    this.name = 'LeverOAuthUnavailableError';
  }
}

/** Lever's OAuth server: the authorize URL, the code exchange and refreshes. Never logs a token. */
export class LeverOAuthClient {
  private readonly url: string;
  private readonly browserUrl: string;

  constructor(private readonly options: LeverOAuthOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.browserUrl = (options.authorizeUrl ?? options.url).replace(/\/+$/, '');
  }

  authorizeUrl(state: string, scopes: readonly string[] = LEVER_OAUTH_SCOPES): string {
    const query = new URLSearchParams({
      client_id: this.options.clientId,
      redirect_uri: this.options.redirectUrl,
      response_type: 'code',
      state,
      audience: LEVER_OAUTH_AUDIENCE,
      scope: scopes.join(' '),
    });
    return `${this.browserUrl}/authorize?${query.toString()}`;
  }

  exchangeCode(code: string): Promise<LeverOAuthTokens> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: this.options.redirectUrl });
  }

  /** Lever rotates refresh tokens: store the returned one, the old one is dead. */
  refresh(refreshToken: string): Promise<LeverOAuthTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  private async token(grant: Record<string, string>): Promise<LeverOAuthTokens> {
    const body = new URLSearchParams({ ...grant, client_id: this.options.clientId, client_secret: this.options.clientSecret }).toString();
    let status: number;
    let text: string;
    try {
      ({ status, text } = await httpCall(`${this.url}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'User-Agent': 'lever-assess' },
        body,
        timeoutMs: this.options.timeoutMs ?? 10_000,
      }));
    } catch (err) {
      if (err instanceof HttpCallError) throw new LeverOAuthUnavailableError(err.kind);
      throw err;
    }
    const json = parse(text);
    if (status >= 400 && status < 500) {
      const error = typeof json?.error === 'string' ? json.error : `HTTP ${status}`;
      // invalid_grant: the code or refresh token is unknown, used, expired or revoked.
      if (error === 'invalid_grant' || status === 401) throw new LeverOAuthGrantError(error);
      throw new LeverOAuthUnavailableError(`${error} (HTTP ${status})`);
    }
    if (status < 200 || status >= 300) throw new LeverOAuthUnavailableError(`HTTP ${status}`);
    const { access_token, refresh_token, expires_in, scope } = json ?? {};
    if (typeof access_token !== 'string' || typeof refresh_token !== 'string' || typeof expires_in !== 'number') {
      throw new LeverOAuthUnavailableError('the answer has no access_token, refresh_token and expires_in');
    }
    return {
      accessToken: access_token,
      refreshToken: refresh_token,
      expiresAt: new Date(Date.now() + expires_in * 1000),
      scope: typeof scope === 'string' ? scope : '',
    };
  }
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
