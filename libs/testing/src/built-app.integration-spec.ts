import { ConsoleLogger } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { runBuiltApp, startBuiltApp } from './built-app';
import { eventually } from './waiting';
import { IN_PROCESS_LOG, TEST_LOG_DIR_ENV, testLogDir } from './test-logs';

// Runs under the preset's environment (log-tail.environment.ts), as every test file does.
describe('test log files', () => {
  const logDir = testLogDir(__filename);

  it('gives the test file its log directory and routes in-process logs to in-process.log', () => {
    expect(process.env[TEST_LOG_DIR_ENV]).toBe(logDir);
    expect(process.env.LOG_FILE).toBe(join(logDir, IN_PROCESS_LOG));
    new ConsoleLogger('Spec').warn('nest console line');
    const written = readFileSync(join(logDir, IN_PROCESS_LOG), 'utf8');
    expect(written).toMatch(/WARN \[Spec\] nest console line/);
    expect(written).not.toContain('\u001b[');
  });

  it('writes a started app to its own numbered file and still returns its output', async () => {
    const app = await startBuiltApp('lever-sandbox', { LOG_LEVEL: 'info' });
    const port = new URL(app.url).port;
    try {
      expect(dirname(app.logFile)).toBe(logDir);
      expect(basename(app.logFile)).toMatch(new RegExp(`^\\d{2}-lever-sandbox-port${port}\\.log$`));
      // Apps buffer their log lines and write them out within 250 ms.
      await eventually(() => app.output().includes('lever-sandbox listening'));
    } finally {
      await app.stop();
    }
    expect(readFileSync(app.logFile, 'utf8')).toContain('shutting down');
  });

  it('writes a run-to-completion entry to its own file', async () => {
    const run = await runBuiltApp('lever-sandbox', {}, { args: ['--check-config'] });
    expect(run.code).toBe(0);
    expect(basename(run.logFile)).toMatch(/^\d{2}-lever-sandbox\.log$/);
    expect(existsSync(run.logFile)).toBe(true);
    expect(JSON.parse(run.output.trim())).toMatchObject({ service: 'lever-sandbox' });
  });
});
