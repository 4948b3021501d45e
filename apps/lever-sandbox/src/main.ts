import 'reflect-metadata';
import { runHttpApp } from '@lever-assess/common';
import { AppModule } from './app.module';
import { loadLeverSandboxEnv } from './config';

void runHttpApp(
  'lever-sandbox',
  () => loadLeverSandboxEnv(),
  (env, logger) => AppModule.forRoot(env, logger),
);
