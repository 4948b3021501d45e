import { beginShutdown } from '../lifecycle/shutdown';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EnvValidationError, describeEnv } from '../env/load-env';
import { createLogger, NestPinoLogger, type AppLogger } from '../logging/logger';
import { histogram } from './metrics';

export interface HttpAppOptions {
  /** Service name on every log line and metric. */
  service: string;
  logLevel?: string;
  logger?: AppLogger;
  /** Largest accepted request body; Fastify answers 413 past it. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Keep the raw body (req.rawBody) for signature checks over the exact bytes received. */
  rawBody?: boolean;
}

const httpDuration = histogram(
  'http_request_duration_seconds',
  'HTTP request duration by route and status',
  ['service', 'method', 'route', 'status'] as const,
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
);

/** Builds (but does not start) a Fastify-backed Nest app with JSON logs and request metrics. */
export async function createHttpApp(module: Type | DynamicModule, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger(options.service, options.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // Honour an incoming X-Request-Id so a caller's id follows the request into our logs.
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new NestPinoLogger(logger),
    rawBody: options.rawBody ?? false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // A callback hook, not an async one: it runs on every request, and does no I/O to wait for.
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    httpDuration.observe(
      { service: options.service, method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (route !== '/health/live' && route !== '/health/ready' && route !== '/metrics' && logger.isLevelEnabled('info')) {
      logger.info({ reqId: req.id, method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
    done();
  });
  app.enableShutdownHooks();
  return app;
}

/** Below Kubernetes' default 30 s grace period, so our log line says why before SIGKILL would. */
export const SHUTDOWN_GRACE_MS = 25_000;

/**
 * Nest's shutdown hooks close the app on SIGTERM/SIGINT (workers finish the jobs in hand). If a
 * dependency hangs that close, exit anyway after the grace period rather than linger unkillable.
 */
function armShutdownWatchdog(service: string, logger: AppLogger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, `${service} shutting down`);
      // In-process waits end now: the jobs in hand are handed back as delayed.
      beginShutdown();
      setTimeout(() => {
        logger.error({ graceMs: SHUTDOWN_GRACE_MS }, `${service} did not shut down in time; exiting`);
        process.exit(1);
      }, SHUTDOWN_GRACE_MS).unref();
    });
  }
}

type AppOptions = Omit<HttpAppOptions, 'service' | 'logLevel' | 'logger'>;

/**
 * The entry point of every app: validate env, build, listen; on any start-up failure print why
 * and exit 1 so the orchestrator restarts the pod (and a bad variable is named, not guessed at).
 */
export async function runHttpApp<E extends { PORT: number; LOG_LEVEL: string }>(
  service: string,
  loadEnv: () => E,
  buildModule: (env: E, logger: AppLogger) => Type | DynamicModule,
  options: AppOptions | ((env: E) => AppOptions) = {},
  afterInit?: (app: NestFastifyApplication, env: E, logger: AppLogger) => Promise<void>,
): Promise<NestFastifyApplication | undefined> {
  let logger = createLogger(service);
  try {
    const env = loadEnv();
    if (process.argv.includes('--check-config')) {
      // Validates the environment and prints it (secrets masked) without starting: for CI and ops.
      process.stdout.write(JSON.stringify({ service, config: describeEnv(env) }) + '\n');
      process.exit(0);
    }
    logger = createLogger(service, env.LOG_LEVEL);
    const appOptions = typeof options === 'function' ? options(env) : options;
    const app = await createHttpApp(buildModule(env, logger), { ...appOptions, service, logger });
    await app.init();
    if (afterInit) await afterInit(app, env, logger);
    await app.listen(env.PORT, '0.0.0.0');
    logger.info({ port: env.PORT }, `${service} listening`);
    armShutdownWatchdog(service, logger);
    return app;
  } catch (err) {
    if (err instanceof EnvValidationError) {
      process.stderr.write(`${service}: ${err.message}\n`);
      logger.fatal({ problems: err.problems }, 'invalid environment');
    } else {
      logger.fatal({ err }, `${service} failed to start`);
    }
    process.exit(1);
  }
}
