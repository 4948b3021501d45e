import 'reflect-metadata';
import { runHttpApp } from '@lever-assess/common';
import { AppModule } from './app.module';
import { loadGatewayEnv } from './config';

void runHttpApp(
  'webhook-gateway',
  () => loadGatewayEnv(),
  (env) => AppModule.forRoot(env),
  (env) => ({
    rawBody: true,
    bodyLimitBytes: env.WEBHOOK_BODY_LIMIT_BYTES,
  }),
);
