import 'reflect-metadata';
import { runHttpApp } from '@lever-assess/common';
import { AppModule } from './app.module';
import { loadDispatcherEnv } from './config';

void runHttpApp(
  'dispatcher',
  () => loadDispatcherEnv(),
  (env) => AppModule.forRoot(env),
);
