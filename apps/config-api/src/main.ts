import 'reflect-metadata';
import { runHttpApp } from '@lever-assess/common';
import { AppModule } from './app.module';
import { loadConfigApiEnv } from './config';

void runHttpApp('config-api', () => loadConfigApiEnv(), (env) => AppModule.forRoot(env));
