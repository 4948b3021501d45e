import { HealthController, MetricsController } from '@lever-assess/common';
import { AdminTokensRepository, hashAdminToken } from '@lever-assess/persistence';
import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { CONFIG_API_ENV } from '../../config-api.tokens';
import { LeverOAuthCallbackController } from '../../lever-oauth/lever-oauth.controller';
import type { ConfigApiEnv } from '../../config';
import { UnauthenticatedError } from '../errors/api.errors';
import type { AdminActor, AuthenticatedRequest } from './admin-actor';

/**
 * Probes and scrapes stay open (Kubernetes and Prometheus carry no token), and so does Lever's
 * OAuth callback (the admin's browser carries none; its one-time state proves the account).
 */
const PUBLIC_CONTROLLERS: ReadonlySet<Type> = new Set([HealthController, MetricsController, LeverOAuthCallbackController]);

// lastUsedAt is for "which tokens are still in use": minute precision saves a write per request.
const TOUCH_EVERY_MS = 60_000;

/**
 * Global guard: `Authorization: Bearer <token>` where the token is ADMIN_TOKEN or an unrevoked
 * admin token (looked up by its SHA-256). The authenticated actor is put on the request for
 * the audit log. (/docs is served by Swagger outside Nest's router, and is public on purpose.)
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly logger = new Logger(AdminAuthGuard.name);
  private readonly bootstrapDigest: Buffer;

  constructor(
    private readonly tokens: AdminTokensRepository,
    @Inject(CONFIG_API_ENV) env: ConfigApiEnv,
  ) {
    this.bootstrapDigest = sha256(env.ADMIN_TOKEN);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (PUBLIC_CONTROLLERS.has(context.getClass())) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = bearerToken(request.headers.authorization);
    if (!presented) throw new UnauthenticatedError();
    request.adminActor = await this.authenticate(presented);
    return true;
  }

  private async authenticate(presented: string): Promise<AdminActor> {
    // Digests have equal length, so the comparison time does not depend on the token's length.
    if (timingSafeEqual(sha256(presented), this.bootstrapDigest)) return { kind: 'bootstrap' };
    const token = await this.tokens.findActiveByHash(hashAdminToken(presented));
    if (!token) throw new UnauthenticatedError();
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      this.tokens
        .touch(token.id)
        .catch((err: unknown) => this.logger.warn({ err, adminTokenId: token.id, msg: 'could not record token use' }));
    }
    return { kind: 'admin-token', id: token.id, name: token.name };
  }
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
