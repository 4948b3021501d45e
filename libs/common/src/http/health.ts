import { Controller, Get, Global, HttpCode, HttpStatus, Injectable, Module, Res, type OnApplicationShutdown } from '@nestjs/common';
import { flushLogs } from '../logging/logger';
import { MetricsController } from './metrics';
import type { FastifyReply } from 'fastify';

/** One dependency an app needs to serve: Redis, Postgres, ... */
export interface HealthCheck {
  name: string;
  /** Resolves when healthy; rejects (or times out) otherwise. */
  check(): Promise<void>;
}

/**
 * Collects the checks of every module an app imports: QueuesModule adds Redis, PersistenceModule
 * adds Postgres, so an app's readiness follows from what it uses, with no per-app wiring.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  register(check: HealthCheck): void {
    this.checks.set(check.name, check);
  }
  list(): HealthCheck[] {
    return [...this.checks.values()];
  }
}
const CHECK_TIMEOUT_MS = 2_000;

/**
 * /health/live: the process is up (Kubernetes restarts it otherwise).
 * /health/ready: every dependency answered within 2 s (Kubernetes stops routing otherwise).
 */
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  @HttpCode(HttpStatus.OK)
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const results = await Promise.all(
      this.registry.list().map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, { status: 'up' }] as const;
        } catch (err) {
          return [name, { status: 'down', error: err instanceof Error ? err.message : String(err) }] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r.status === 'up');
    reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The last shutdown hook of the app: the buffered log lines go out before the process ends. */
@Injectable()
class LogFlusher implements OnApplicationShutdown {
  onApplicationShutdown(): void {
    flushLogs();
  }
}

/** Health and metrics endpoints for an app; global so any module can register its checks. */
@Global()
@Module({ controllers: [HealthController, MetricsController], providers: [HealthRegistry, LogFlusher], exports: [HealthRegistry] })
export class ObservabilityModule {}
