import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { freePort } from './free-port';
import { WORKSPACE_ROOT, currentTestLogDir } from './test-logs';
import { eventually } from './waiting';

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

/** The app exited on EADDRINUSE: the port was taken between freePort() and its listen. */
class PortTakenError extends Error {}

/** How often startBuiltApp tries another port when the one it chose was taken meanwhile. */
const PORT_ATTEMPTS = 3;

/**
 * Runs `node dist/apps/<app>/main.js` with only the given env (plus PATH) and waits until it
 * listens. Without a PORT in `env` it picks a free one; since another test's process may take that
 * port before the app binds it (suites run in parallel), an app that exits with EADDRINUSE is
 * started again on another port, up to PORT_ATTEMPTS times. `pickPort` replaces freePort (a test
 * of that retry hands out a taken port first).
 */
export async function startBuiltApp(
  app: string,
  env: Record<string, string>,
  options: { readyPath?: string; timeoutMs?: number; pickPort?: () => Promise<number> } = {},
): Promise<RunningApp> {
  const pickPort = options.pickPort ?? freePort;
  for (let attempt = 1; ; attempt++) {
    const port = env.PORT ? Number(env.PORT) : await pickPort();
    try {
      return await startBuiltAppOn(app, env, port, options);
    } catch (err) {
      if (!(err instanceof PortTakenError) || env.PORT || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

async function startBuiltAppOn(
  app: string,
  env: Record<string, string>,
  port: number,
  { readyPath = '/health/live', timeoutMs = 30_000 }: { readyPath?: string; timeoutMs?: number },
): Promise<RunningApp> {
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
    // An early exit ends the wait at once (a throw would only be retried until the timeout). Each
    // probe is bounded: whatever holds the port may accept a connection and never answer.
    const ready = await eventually(
      async () =>
        child.exitCode !== null || child.signalCode !== null
          ? 'exited'
          : (await fetch(url + readyPath, { signal: AbortSignal.timeout(2_000) })).ok,
      { timeoutMs, intervalMs: 100 },
    );
    // The failing test prints the log's tail (libs/testing's Jest environment).
    if (ready === 'exited') {
      const how = child.exitCode ?? child.signalCode;
      const message = `${app} exited (${how}) before it was ready; its log: ${relative(WORKSPACE_ROOT, log.path)}`;
      throw readLog(log.path).includes('EADDRINUSE') ? new PortTakenError(message) : new Error(message);
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
