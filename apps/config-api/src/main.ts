import 'reflect-metadata';
import { runHttpApp } from '@lever-assess/common';
import { AppModule } from './app.module';
import { loadConfigApiEnv } from './config';
import { consoleDir, setupConsole } from './console/console-static';
import { setupOpenApi } from './openapi/openapi.setup';

void runHttpApp(
  'config-api',
  () => loadConfigApiEnv(),
  (env) => AppModule.forRoot(env),
  {},
  async (app, env) => {
    setupOpenApi(app);
    setupConsole(app, consoleDir(env.CONSOLE_DIR));
  },
);
