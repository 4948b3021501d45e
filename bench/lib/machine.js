'use strict';
// The machine and the code under measurement, printed with the figures so a reader can judge the
// noise: CPU count and model, memory, load average, machine-wide CPU use (from /proc/stat), node
// and wrk versions, the git commit (and uncommitted changes) and when the bundles were built.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, appScript } = require('./proc');

const APPS = ['webhook-gateway', 'dispatcher', 'result-sync', 'config-api', 'lever-sandbox', 'platform-sandbox'];

const run = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
};

/** Busy and total jiffies of all CPUs (/proc/stat first line). */
function cpuTimes() {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const v = fields.map(Number);
  const idle = v[3] + (v[4] || 0); // idle + iowait
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Share of all CPUs busy between two cpuTimes() readings, in percent of the whole machine. */
const busyPercent = (a, b) => (b.total > a.total ? (100 * (b.busy - a.busy)) / (b.total - a.total) : null);

const loadavg = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ');

/** Each app's bundle (main.js) in `dir`: its modification time, or null where it is missing. */
function bundleTimes(dir) {
  return APPS.map((app) => {
    try {
      return fs.statSync(path.join(dir, app, 'main.js')).mtime;
    } catch {
      return null;
    }
  });
}

/** The apps whose bundle is missing in `dir` (`times`: its bundleTimes, when already read). */
function missingBundles(dir, times = bundleTimes(dir)) {
  return APPS.filter((_, i) => times[i] === null);
}

/** `dir`: the bundles (one folder per app). */
function describe(dir) {
  const cpus = os.cpus();
  const head = run('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = run('git', ['status', '--porcelain', '--', 'apps', 'libs']);
  const changed = dirty ? dirty.split('\n').filter(Boolean).length : 0;
  const bundles = bundleTimes(dir);
  const missing = missingBundles(dir, bundles);
  const times = bundles.filter(Boolean).sort((a, b) => a - b);
  const wrk = run('wrk', ['-v']) ?? run('sh', ['-c', 'wrk -v 2>&1 | head -1']);
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.replace(/\s+/g, ' ') ?? 'unknown',
    memGb: (os.totalmem() / 1024 ** 3).toFixed(1),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    wrk: wrk ? wrk.split('\n')[0].replace(/ Copyright.*/, '') : 'not found',
    git: head ? `${head}${changed ? ` with ${changed} uncommitted change(s) under apps/ and libs/` : ' (clean)'}` : 'unknown',
    bundles: times.length ? `${times[0].toISOString().slice(0, 16)}Z .. ${times.at(-1).toISOString().slice(0, 16)}Z` : 'none',
    missing,
  };
}

/** The product's effective Lever limiter settings: `dispatcher --check-config` with the bench's app env. */
function effectiveLimiter(appEnv) {
  try {
    const out = execFileSync(process.execPath, [appScript('dispatcher'), '--check-config'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...appEnv },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const { config } = JSON.parse(out.split('\n').find((l) => l.startsWith('{')));
    const parts = Object.entries(config)
      .filter(([k]) => k.startsWith('LEVER_RATE'))
      .map(([k, v]) => `${k}=${v}`);
    return parts.join(' ') || 'no LEVER_RATE_* settings';
  } catch {
    return 'unknown';
  }
}

module.exports = { describe, missingBundles, cpuTimes, busyPercent, loadavg, effectiveLimiter };
