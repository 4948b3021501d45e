import { timingSafeEqualStrings } from '@lever-assess/common';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SANDBOX_ENV, type PlatformSandboxEnv } from '../config';
import { apiError } from '../invitations/api-error';

/** `Authorization: Bearer <PLATFORM_API_KEY>` on every /v1 route, compared in constant time. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(SANDBOX_ENV) private readonly env: PlatformSandboxEnv) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    if (!timingSafeEqualStrings(header, `Bearer ${this.env.PLATFORM_API_KEY}`)) {
      throw apiError(401, 'unauthorized', 'Missing or invalid API key (Authorization: Bearer <key>)');
    }
    return true;
  }
}
