import 'reflect-metadata';
import { runHttpApp } from '@lever-assess/common';
import { AppModule } from './app.module';
import { loadPlatformSandboxEnv } from './config';

void runHttpApp(
  'platform-sandbox',
  () => loadPlatformSandboxEnv(),
  (env) => AppModule.forRoot(env),
);
