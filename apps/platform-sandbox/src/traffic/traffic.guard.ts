import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiError } from '../invitations/api-error';
import { SandboxTraffic } from './sandbox-traffic.service';

/**
 * Runs first on every /v1 route: counts the request and applies an injected fault (delay and/or
 * status). It runs before the API key check, as a failing load balancer would.
 */
@Injectable()
export class TrafficGuard implements CanActivate {
  constructor(private readonly traffic: SandboxTraffic) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const fault = this.traffic.enter(`${req.method} ${req.routeOptions?.url ?? req.url}`);
    if (!fault) return true;
    if (fault.delayMs) {
      await this.traffic.delay(fault.delayMs).catch(() => {
        throw apiError(503, 'sandbox_reset', 'The sandbox was reset or stopped during an injected delay');
      });
    }
    if (fault.status === undefined) return true;
    if (fault.retryAfterSeconds !== undefined) http.getResponse<FastifyReply>().header('retry-after', String(fault.retryAfterSeconds));
    throw apiError(fault.status, 'injected_fault', `Injected fault: HTTP ${fault.status}`);
  }
}
