import { createParamDecorator, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { RequestLogEntry } from '../control/request-log';
import type { ApiKeyRecord, Company, LeverPermission } from '../store/sandbox.model';
import { SandboxState } from '../store/sandbox-state.service';
import { LeverApiError } from './lever-api.error';

const PERMISSION = Symbol('lever-permission');

/** The key permission a Lever route needs. Every Lever route must declare one. */
export const RequiresPermission = (permission: LeverPermission) => SetMetadata(PERMISSION, permission);

export interface LeverCallerContext {
  key: ApiKeyRecord;
  company: Company;
}

export type SandboxRequest = FastifyRequest & { sandboxLogEntry?: RequestLogEntry; sandboxCaller?: LeverCallerContext };

/** The authenticated key and its company, set by LeverApiGuard. */
export const LeverCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): LeverCallerContext => {
  const caller = ctx.switchToHttp().getRequest<SandboxRequest>().sandboxCaller;
  if (!caller) throw new Error('LeverCaller used on a route without LeverApiGuard');
  return caller;
});

const UNAUTHORIZED = () => new LeverApiError(401, 'Unauthorized', 'A valid API key was not provided (invalid or revoked key)');

/**
 * Lever's gate, in order: Basic auth (401), the key's token bucket (429), injected faults,
 * the route's permission (403).
 */
@Injectable()
export class LeverApiGuard implements CanActivate {
  constructor(
    private readonly state: SandboxState,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<SandboxRequest>();
    const key = this.authenticate(req);
    if (!this.state.limiter.take(key.id)) {
      throw new LeverApiError(429, 'TooManyRequests', 'Rate limit exceeded for this API key');
    }
    const fault = this.state.faults.next(key.id);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status) {
      throw new LeverApiError(
        fault.status,
        fault.status === 429 ? 'TooManyRequests' : 'InternalError',
        `Injected fault ${fault.status}`,
        fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {},
      );
    }
    const permission = this.reflector.get<LeverPermission | undefined>(PERMISSION, ctx.getHandler());
    if (!permission) throw new Error(`${ctx.getClass().name}.${ctx.getHandler().name} declares no @RequiresPermission`);
    if (!key.permissions.has(permission)) {
      throw new LeverApiError(403, 'Forbidden', `This API key does not have the ${permission} permission`);
    }
    req.sandboxCaller = { key, company: this.state.store.company(key.companyId) };
    return true;
  }

  /** Basic auth, API key as the user name; Lever ignores the (empty) password. Or an OAuth access token as Bearer. */
  private authenticate(req: SandboxRequest): ApiKeyRecord {
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (bearer) {
      // The grant's synthetic key carries its scopes as permissions, its own bucket and faults.
      const grant = this.state.oauth.authenticate(bearer[1]);
      if (!grant) throw UNAUTHORIZED();
      if (req.sandboxLogEntry) req.sandboxLogEntry.keyId = grant.key.id;
      return grant.key;
    }
    const match = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
    if (!match) throw UNAUTHORIZED();
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const apiKey = colon < 0 ? decoded : decoded.slice(0, colon);
    const key = apiKey ? this.state.store.keyByValue(apiKey) : undefined;
    if (!key) throw UNAUTHORIZED();
    if (req.sandboxLogEntry) req.sandboxLogEntry.keyId = key.id;
    if (key.state !== 'active') throw UNAUTHORIZED();
    return key;
  }
}
