import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { WORKSPACE_ROOT, currentTestLogDir } from './test-logs';
import { eventually } from './waiting';

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

let started = 0;

/**
 * Opens `<test log dir>/<nn>-<app>[-<entry>][-port<port>].log` for a built process's stdout and
 * stderr: the file, not the terminal, holds its logs, and a failing test prints its tail.
 */
function openAppLog(app: string, { entry = 'main', port }: { entry?: string; port?: number }): { path: string; fd: number } {
  const dir = currentTestLogDir();
  mkdirSync(dir, { recursive: true });
  const name = [String(++started).padStart(2, '0'), app, entry === 'main' ? '' : entry, port ? `port${port}` : '']
    .filter(Boolean)
    .join('-');
  const path = join(dir, `${name}.log`);
  return { path, fd: openSync(path, 'a') };
}

/** Spawns `node <file>` writing to the log file (the child keeps its own copy of the descriptor). */
function spawnLogged(file: string, args: string[], env: Record<string, string>, log: { fd: number }): ChildProcess {
  try {
    return spawn(process.execPath, [file, ...args], {
      cwd: WORKSPACE_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', log.fd, log.fd],
    });
  } finally {
    closeSync(log.fd);
  }
}

const readLog = (path: string) => readFileSync(path, 'utf8');

export interface RunningApp {
  url: string;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** The file holding that output. */
  logFile: string;
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
  const path = builtAppPath(app);
  const log = openAppLog(app, { port });
  const child = spawnLogged(path, [], { ...env, PORT: String(port) }, log);
  const exited = new Promise<AppExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const running: RunningApp = {
    url,
    process: child,
    output: () => readLog(log.path),
    logFile: log.path,
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
    // An early exit ends the wait at once (a throw would only be retried until the timeout).
    const ready = await eventually(
      async () => (child.exitCode !== null || child.signalCode !== null ? 'exited' : (await fetch(url + readyPath)).ok),
      { timeoutMs, intervalMs: 100 },
    );
    // The failing test prints the log's tail (libs/testing's Jest environment).
    if (ready === 'exited') {
      throw new Error(
        `${app} exited (${child.exitCode ?? child.signalCode}) before it was ready; its log: ${relative(WORKSPACE_ROOT, log.path)}`,
      );
    }
  } catch (err) {
    await running.stop();
    throw err;
  }
  return running;
}

/**
 * Runs a built entry to completion (--check-config, start-up failures, migrate, seed-demo) and
 * returns its exit code and output (also kept in its log file).
 */
export function runBuiltApp(
  app: string,
  env: Record<string, string>,
  { args = [], timeoutMs = 20_000, entry = 'main' }: { args?: string[]; timeoutMs?: number; entry?: string } = {},
): Promise<{ code: number | null; output: string; logFile: string }> {
  return new Promise((resolve, reject) => {
    const path = builtAppPath(app, entry);
    const log = openAppLog(app, { entry });
    const child = spawnLogged(path, args, env, log);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} did not exit within ${timeoutMs} ms; its log: ${relative(WORKSPACE_ROOT, log.path)}`));
    }, timeoutMs);
    // Written straight to the file, so all of it is there once the process has exited.
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: readLog(log.path), logFile: log.path });
    });
  });
}
