import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './waiting';

const WORKSPACE_ROOT = join(__dirname, '../../..');

/** A port that was free a moment ago (bind :0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `dist/apps/<app>/<entry>.js`; `entry` names an extra webpack entry such as config-api's migrate. */
export function builtAppPath(app: string, entry = 'main'): string {
  const path = join(WORKSPACE_ROOT, 'dist/apps', app, `${entry}.js`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  return path;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningApp {
  url: string;
  process: ChildProcess;
  output(): string;
  /**
   * Sends SIGTERM and resolves with how the process ended (SIGKILL after 30 s). Nest re-raises
   * the signal once its shutdown hooks are done, so a clean stop ends with signal SIGTERM.
   */
  stop(): Promise<AppExit>;
}

/** Runs `node dist/apps/<app>/main.js` with only the given env (plus PATH) and waits until it listens. */
export async function startBuiltApp(
  app: string,
  env: Record<string, string>,
  { readyPath = '/health/live', timeoutMs = 30_000 } = {},
): Promise<RunningApp> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [builtAppPath(app)], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<AppExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const running: RunningApp = {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}:\n${output}`);
        return (await fetch(url + readyPath)).ok;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (err) {
    await running.stop();
    throw err;
  }
  return running;
}

/**
 * Runs a built entry to completion (--check-config, start-up failures, migrate, seed-demo) and
 * returns its exit code and output.
 */
export function runBuiltApp(
  app: string,
  env: Record<string, string>,
  { args = [], timeoutMs = 20_000, entry = 'main' }: { args?: string[]; timeoutMs?: number; entry?: string } = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtAppPath(app, entry), ...args], {
      cwd: WORKSPACE_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
