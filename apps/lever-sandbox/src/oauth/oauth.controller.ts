import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { LeverSandboxEnv } from '../config';
import { SANDBOX_ENV } from '../sandbox.tokens';
import { ACME_COMPANY_ID } from '../seed/acme.seed';
import { SandboxState } from '../store/sandbox-state.service';
import { SCOPE_PERMISSIONS } from './oauth-store';

type Query_ = Record<string, string | undefined>;

/**
 * Lever's auth server (lever-api.md 1.2) at the sandbox root, so LEVER_OAUTH_URL can point here.
 * /authorize approves at once as an admin of Acme, or of the company named by the sandbox-only
 * `sandbox_company` parameter; `sandbox_deny=1` answers as if the admin clicked "Deny".
 */
@Controller()
export class OAuthController {
  constructor(
    private readonly state: SandboxState,
    @Inject(SANDBOX_ENV) private readonly env: LeverSandboxEnv,
  ) {}

  @Get('authorize')
  authorize(@Query() q: Query_, @Res() reply: FastifyReply) {
    const problem = this.authorizeProblem(q);
    // Errors before a trusted redirect_uri is known are shown, not redirected (OAuth 2.0, 4.1.2.1).
    if (problem) return void reply.status(400).type('text/plain').send(`Lever sandbox /authorize: ${problem}`);
    const redirect = new URL(q.redirect_uri as string);
    redirect.searchParams.set('state', q.state as string);
    if (q.sandbox_deny) {
      redirect.searchParams.set('error', 'access_denied');
      return void reply.redirect(redirect.toString(), 302);
    }
    const companyId = q.sandbox_company ?? ACME_COMPANY_ID;
    this.state.store.company(companyId); // 404 for an unknown company
    const scopes = (q.scope ?? '').split(/\s+/).filter(Boolean);
    redirect.searchParams.set('code', this.state.oauth.approve(companyId, q.client_id as string, q.redirect_uri as string, scopes));
    return void reply.redirect(redirect.toString(), 302);
  }

  /** Form-encoded (as Lever) or JSON. Answers OAuth-shaped errors: `{ error, error_description }`. */
  @Post('oauth/token')
  token(@Body() body: Query_ | undefined, @Res() reply: FastifyReply) {
    const b = body ?? {};
    const grantType = b.grant_type ?? '';
    this.state.oauth.tokenRequests[grantType] = (this.state.oauth.tokenRequests[grantType] ?? 0) + 1;
    const fail = (status: number, error: string, description: string) =>
      void reply.status(status).header('cache-control', 'no-store').send({ error, error_description: description });
    if (b.client_id !== this.env.LEVER_SANDBOX_OAUTH_CLIENT_ID || b.client_secret !== this.env.LEVER_SANDBOX_OAUTH_CLIENT_SECRET) {
      return fail(401, 'invalid_client', 'Unknown client or wrong client secret');
    }
    let answer;
    if (grantType === 'authorization_code') {
      if (!b.code || !b.redirect_uri) return fail(400, 'invalid_request', 'code and redirect_uri are required');
      answer = this.state.oauth.exchange(b.code, b.client_id, b.redirect_uri);
    } else if (grantType === 'refresh_token') {
      if (!b.refresh_token) return fail(400, 'invalid_request', 'refresh_token is required');
      answer = this.state.oauth.refresh(b.refresh_token, b.client_id);
    } else {
      return fail(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    }
    if (!answer) return fail(400, 'invalid_grant', 'The code or refresh token is invalid, expired, used or revoked');
    return void reply.status(200).header('cache-control', 'no-store').send(answer);
  }

  /** Every grant (no token values) and the token endpoint's calls by grant_type. */
  @Get('_sandbox/oauth')
  describe() {
    return {
      grants: [...this.state.oauth.grants.values()].map((g) => this.state.oauth.describe(g)),
      tokenRequests: this.state.oauth.tokenRequests,
    };
  }

  /** An admin removes the app in Lever: access and refresh tokens of the grant stop working. */
  @Post('_sandbox/oauth/grants/:id/revoke')
  @HttpCode(200)
  revoke(@Param('id') id: string) {
    if (!this.state.oauth.revoke(id)) throw new NotFoundException(`no grant ${id}`);
    return { ok: true };
  }

  /** The grant's access tokens stop working now (its refresh token still works). */
  @Post('_sandbox/oauth/grants/:id/expire-access-tokens')
  @HttpCode(200)
  expire(@Param('id') id: string) {
    if (!this.state.oauth.grants.has(id)) throw new NotFoundException(`no grant ${id}`);
    return { ok: true, expired: this.state.oauth.expireAccessTokens(id) };
  }

  private authorizeProblem(q: Query_): string | null {
    if (q.client_id !== this.env.LEVER_SANDBOX_OAUTH_CLIENT_ID) return 'unknown client_id';
    if (q.response_type !== 'code') return 'response_type must be code';
    if (!q.state) return 'state is required';
    if (!q.audience) return 'audience is required';
    try {
      if (!/^https?:$/.test(new URL(q.redirect_uri ?? '').protocol)) return 'redirect_uri must be an http(s) URL';
    } catch {
      return 'redirect_uri must be an http(s) URL';
    }
    const unknown = (q.scope ?? '').split(/\s+/).filter((s) => s && !(s in SCOPE_PERMISSIONS));
    return unknown.length ? `unknown scope ${unknown.join(', ')}` : null;
  }
}
