import { ConsoleLogger } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runBuiltApp, startBuiltApp } from './built-app';
import { freePort } from './free-port';
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

  it('starts an app again on another port when the port it picked was taken before the app listened', async () => {
    // Another process's server on that port: it answers, but not as the app would.
    const squatter = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => squatter.listen(0, resolve));
    const taken = (squatter.address() as AddressInfo).port;
    const offered: number[] = [];
    try {
      const app = await startBuiltApp(
        'lever-sandbox',
        { LOG_LEVEL: 'info' },
        {
          pickPort: async () => {
            const port = offered.length === 0 ? taken : await freePort();
            offered.push(port);
            return port;
          },
        },
      );
      try {
        expect(offered).toHaveLength(2);
        expect(app.url).toBe(`http://127.0.0.1:${offered[1]}`);
        expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
      } finally {
        await app.stop();
      }
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('writes a run-to-completion entry to its own file', async () => {
    const run = await runBuiltApp('lever-sandbox', {}, { args: ['--check-config'] });
    expect(run.code).toBe(0);
    expect(basename(run.logFile)).toMatch(/^\d{2}-lever-sandbox\.log$/);
    expect(existsSync(run.logFile)).toBe(true);
    expect(JSON.parse(run.output.trim())).toMatchObject({ service: 'lever-sandbox' });
  });
});
