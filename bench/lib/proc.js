'use strict';
// Processes the bench starts: the built apps, the bare baseline server and wrk. Each runs in its
// own process group (so Ctrl-C in the terminal reaches only the bench, which then stops them in
// order), writes its output to a file, and is stopped by its pid: SIGTERM, then SIGKILL after a
// grace period. CPU time and RSS are read from /proc/<pid>.

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { createServer } = require('node:net');
const path = require('node:path');
const cleanup = require('./cleanup');
const { sleep } = require('./util');

const ROOT = path.join(__dirname, '..', '..');
/** Where the built apps are run from (run.js points it at its copy of the bundles). */
let distDir = path.join(ROOT, 'dist', 'apps');
const setDist = (dir) => {
  distDir = dir;
};
const appScript = (app, file = 'main.js') => path.join(distDir, app, file);
let clockTicks = null;
/** Pids of every process the bench started (for the CPU accounting of lib/noise.js). */
const own = new Set();
const ownPids = () => own;

/** Clock ticks per second of /proc/<pid>/stat times (getconf CLK_TCK, nearly always 100). */
function ticksPerSecond() {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time of a process in ms, user and system apart, or null when it has gone. */
function cpuSplitMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]); // field 14
    const stime = Number(fields[12]); // field 15
    return { user: (utime * 1000) / ticksPerSecond(), system: (stime * 1000) / ticksPerSecond() };
  } catch {
    return null;
  }
}

/** CPU time (user + system) of a process in ms, or null when it has gone. */
function cpuMs(pid) {
  const split = cpuSplitMs(pid);
  return split ? split.user + split.system : null;
}

/** Resident set size (VmRSS) in kB, or null when the process has gone. */
function rssKb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
  });

/**
 * Starts a process with `env` (PATH and HOME are passed through, nothing else from this shell),
 * stdout and stderr appended to `logFile`. Returns { name, pid, child, exited, stop() }.
 */
function startProcess({ name, command, args, env, logFile, cwd = ROOT, inheritEnv = false, graceMs = 15_000 }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd,
    env: inheritEnv ? { ...process.env, ...env } : { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  fs.closeSync(fd);
  if (child.pid) own.add(child.pid);
  let exitCode;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve(exitCode);
    });
    child.once('error', (err) => {
      exitCode = err.message;
      resolve(exitCode);
    });
  });
  const proc = {
    name,
    pid: child.pid,
    child,
    logFile,
    exited,
    get running() {
      return exitCode === undefined;
    },
    stop: null,
  };
  proc.stop = cleanup.register(`process ${name} (pid ${child.pid})`, async () => {
    if (exitCode !== undefined) return;
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = sleep(graceMs).then(() => 'timeout');
    if ((await Promise.race([exited, timer])) === 'timeout' && exitCode === undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      await exited;
    }
  });
  return proc;
}

/**
 * Starts a built app, <dist>/<app>/main.js, with LOG_LEVEL=warn unless given. BENCH_NODE_ARGS
 * (space-separated) go to node before the script, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
 * (Node refuses --cpu-prof in NODE_OPTIONS).
 */
function startApp({ name, app, env, logFile }) {
  return startProcess({
    name,
    command: process.execPath,
    args: [...benchNodeArgs(), appScript(app)],
    env: { LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
    logFile,
  });
}

/** BENCH_NODE_ARGS (space-separated node flags), for every Node server the bench starts. */
function benchNodeArgs() {
  return (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** Waits for GET <url><probe> to answer 2xx; fails early when the process exits. */
async function waitReady(proc, url, { probe = '/health/ready', timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`${proc.name} exited during start-up; see ${path.relative(ROOT, proc.logFile)}`);
    try {
      const res = await fetch(`${url}${probe}`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`${proc.name} did not become ready within ${timeoutMs / 1000} s; see ${path.relative(ROOT, proc.logFile)}`);
}

module.exports = {
  ROOT,
  benchNodeArgs,
  setDist,
  appScript,
  ownPids,
  cpuMs,
  cpuSplitMs,
  rssKb,
  freePort,
  startProcess,
  startApp,
  waitReady,
  ticksPerSecond,
};
