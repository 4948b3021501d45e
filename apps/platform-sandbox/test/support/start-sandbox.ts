import { createHttpApp } from '@lever-assess/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../src/app.module';
import { loadPlatformSandboxEnv, type PlatformSandboxEnv } from '../../src/config';

export const TEST_API_KEY = 'test-platform-key';
export const TEST_WEBHOOK_SECRET = 'test-platform-webhook-secret';

export interface RunningSandbox {
  app: NestFastifyApplication;
  env: PlatformSandboxEnv;
  url: string;
  close(): Promise<void>;
  /** Calls a /_sandbox control route and returns the parsed JSON answer. */
  control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Starts the sandbox in-process on a random port, as main.ts would, with test-friendly settings. */
export async function startSandbox(raw: Record<string, string> = {}): Promise<RunningSandbox> {
  const env = loadPlatformSandboxEnv({
    PORT: '0',
    PLATFORM_API_KEY: TEST_API_KEY,
    PLATFORM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    CALLBACK_RETRY_BASE_MS: '20',
    CALLBACK_TIMEOUT_MS: '2000',
    PLATFORM_CALLBACK_URL: 'http://127.0.0.1:9/unused',
    ...raw,
  });
  const app = await createHttpApp(AppModule.forRoot(env), { service: 'platform-sandbox', logLevel: 'silent' });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    env,
    url,
    close: () => app.close(),
    async control<T>(method: 'GET' | 'POST', path: string, body?: unknown) {
      const res = await fetch(`${url}/_sandbox${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
  };
}
