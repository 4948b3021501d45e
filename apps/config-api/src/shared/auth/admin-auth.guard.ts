import { HealthController, MetricsController } from '@lever-assess/common';
import { Injectable, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LeverOAuthCallbackController } from '../../lever-oauth/lever-oauth.controller';
import { ForbiddenApiError, UnauthenticatedError } from '../errors/api.errors';
import { PUBLIC_ROUTE, SCOPED_ACCESS, VENDOR_ONLY } from './access-scope';
import { scopeOf, type AdminActor, type AuthenticatedRequest } from './admin-actor';
import { CSRF_HEADER, SESSION_COOKIE, csrfTokenMatches, readCookie } from './session-cookie';
import { TokenAuthenticator, bearerToken } from './token-authenticator';

/**
 * Probes and scrapes stay open (Kubernetes and Prometheus carry no token), and so does Lever's
 * OAuth callback (the admin's browser carries none; its one-time state proves the account).
 */
const PUBLIC_CONTROLLERS: ReadonlySet<Type> = new Set([HealthController, MetricsController, LeverOAuthCallbackController]);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes under this prefix address one account by `:id`; a scoped caller must be that account's. */
const ACCOUNT_ROUTE = /^\/v1\/accounts\/:id(\/|$)/;

/**
 * Global guard. Authenticates `Authorization: Bearer <token>` (ADMIN_TOKEN or an unrevoked API
 * token, looked up by its SHA-256) or, without that header, the console's session cookie; a
 * cookie-authenticated POST/PUT/PATCH/DELETE must carry the session's CSRF token in
 * `X-CSRF-Token`. Then scope: an account-scoped caller reaches `/v1/accounts/:id/...` of its own
 * account only, and no other route unless the route is marked ScopedAccess (its handler limits
 * the answer itself); VendorOnly routes refuse it everywhere. The actor is put on the request for
 * the audit log. (/docs and /console are served outside Nest's router and are public on purpose.)
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: TokenAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (PUBLIC_CONTROLLERS.has(context.getClass())) return true;
    if (this.flag(context, PUBLIC_ROUTE)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.adminActor = await this.authenticate(request);
    this.enforceScope(context, request, request.adminActor);
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<AdminActor> {
    const presented = bearerToken(request.headers.authorization);
    if (presented) {
      const actor = await this.authenticator.token(presented);
      if (!actor) throw new UnauthenticatedError();
      request.authenticatedVia = { via: 'bearer' };
      return actor;
    }
    const secret = readCookie(request, SESSION_COOKIE);
    if (!secret) throw new UnauthenticatedError();
    const session = await this.authenticator.session(secret);
    if (!session) throw new UnauthenticatedError();
    // A cookie rides along with any request the browser makes, so a state change must also prove
    // that the page itself sent it: only the console can know the token (double-submit by HMAC).
    const csrf = request.headers[CSRF_HEADER];
    if (!SAFE_METHODS.has(request.method) && !csrfTokenMatches(secret, typeof csrf === 'string' ? csrf : undefined)) {
      throw new ForbiddenApiError('CSRF_TOKEN_INVALID', 'The page sent no valid X-CSRF-Token; reload the console and try again');
    }
    request.authenticatedVia = { via: 'session', sessionId: session.sessionId, secret, expiresAt: session.expiresAt };
    return session.actor;
  }

  private enforceScope(context: ExecutionContext, request: AuthenticatedRequest, actor: AdminActor): void {
    const scope = scopeOf(actor);
    if (!scope) return;
    if (this.flag(context, VENDOR_ONLY)) throw vendorOnly();
    const route = request.routeOptions?.url ?? '';
    if (ACCOUNT_ROUTE.test(route)) {
      const id = String((request.params as Record<string, string> | undefined)?.id ?? '').toLowerCase();
      if (id !== scope) {
        throw new ForbiddenApiError('ACCOUNT_OUT_OF_SCOPE', 'This sign-in is for another account; it cannot see or change this one');
      }
      return;
    }
    if (!this.flag(context, SCOPED_ACCESS)) throw vendorOnly();
  }

  private flag(context: ExecutionContext, key: string): boolean {
    return this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]) === true;
  }
}

const vendorOnly = () =>
  new ForbiddenApiError('VENDOR_ADMIN_ONLY', "Only the vendor's admins can do this; an account's own sign-in reaches its account only");
