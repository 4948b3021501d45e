import 'reflect-metadata';
import { runHttpApp } from '@lever-assess/common';
import { AppModule } from './app.module';
import { loadResultSyncEnv } from './config';

void runHttpApp(
  'result-sync',
  () => loadResultSyncEnv(),
  (env) => AppModule.forRoot(env),
);
