'use strict';
// One scenario's copy of the product: a throwaway PostgreSQL database (migrated with the bundle's
// config-api/migrate.js), a unique QUEUE_PREFIX on the local Redis, and the built apps as
// processes on free ports: lever-sandbox, platform-sandbox, config-api, then webhook-gateway and
// N dispatchers + M result-syncs. Every app logs at LOG_LEVEL=warn to .run/bench/<run>/.
// teardown() stops them all, drops the database and deletes every Redis key of the prefix.

const { execFile } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { promisify } = require('node:util');
const Redis = require('ioredis');
const { Client } = require('pg');
const cleanup = require('./cleanup');
const { ConfigApi, LeverSandbox, PlatformSandbox } = require('./http');
const { ROOT, appScript, cpuMs, cpuSplitMs, freePort, rssKb, startApp, waitReady } = require('./proc');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const PLATFORM_API_KEY = 'bench-platform-key';
const PLATFORM_WEBHOOK_SECRET = 'bench-platform-webhook-secret';
/** Names of everything a stack creates: bench_<scenario>_<pid>_<6 hex>. */
const NAME_PATTERN = /^bench_([a-z0-9]+)_(\d+)_([0-9a-f]{6})$/;

/** Extra product settings: BENCH_APP_<NAME>=value in the bench's environment becomes <NAME>=value. */
function appEnvOverrides() {
  const out = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('BENCH_APP_') && v !== undefined) out[k.slice(10)] = v;
  return out;
}

const pgAdmin = async (sql) => {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
};

async function deleteRedisKeys(redis, pattern) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

class Stack {
  /**
   * @param {object} o
   * @param {string} o.scenario  lowercase letters and digits
   * @param {string} o.logDir
   * @param {number} [o.leverRate]  lever-sandbox LEVER_SANDBOX_RATE_PER_SECOND (Lever: 10)
   * @param {number} [o.leverBurst] lever-sandbox LEVER_SANDBOX_BURST (Lever: 20)
   * @param {boolean} [o.sandboxes] start both sandboxes (default true)
   */
  constructor({ scenario, logDir, leverRate = 10, leverBurst = 20, sandboxes = true }) {
    this.scenario = scenario;
    this.name = `bench_${scenario}_${process.pid}_${randomBytes(3).toString('hex')}`;
    this.databaseUrl = `postgres://postgres@127.0.0.1:5432/${this.name}`;
    this.prefix = this.name;
    this.logDir = logDir;
    this.leverRate = leverRate;
    this.leverBurst = leverBurst;
    this.withSandboxes = sandboxes;
    this.procs = [];
    this.ports = {};
    this.urls = {};
  }

  log(app) {
    return path.join(this.logDir, `${this.scenario}-${app}.log`);
  }

  /** The database, Redis prefix, sandboxes and config-api; the pipeline comes with startPipeline(). */
  async setup() {
    this.undoData = cleanup.register(`database and Redis keys ${this.name}`, () => this.dropData());
    await promisify(execFile)(process.execPath, [appScript('config-api', 'migrate.js')], {
      env: { PATH: process.env.PATH, DATABASE_URL: this.databaseUrl, LOG_LEVEL: 'warn' },
    });
    for (const app of ['gateway', 'api', 'lever', 'platform']) this.ports[app] = await freePort();
    this.urls = {
      gateway: `http://127.0.0.1:${this.ports.gateway}`,
      api: `http://127.0.0.1:${this.ports.api}`,
      lever: `http://127.0.0.1:${this.ports.lever}`,
      platform: `http://127.0.0.1:${this.ports.platform}`,
    };
    const starting = [];
    if (this.withSandboxes) {
      starting.push(
        this.start('lever-sandbox', 'lever-sandbox', {
          PORT: String(this.ports.lever),
          LEVER_SANDBOX_RATE_PER_SECOND: String(this.leverRate),
          LEVER_SANDBOX_BURST: String(this.leverBurst),
        }),
        this.start('platform-sandbox', 'platform-sandbox', {
          PORT: String(this.ports.platform),
          PLATFORM_API_KEY,
          PLATFORM_WEBHOOK_SECRET,
          PLATFORM_CALLBACK_URL: `${this.urls.gateway}/webhooks/platform`,
          PLATFORM_PUBLIC_URL: this.urls.platform,
        }),
      );
    }
    starting.push(
      this.start('config-api', 'config-api', {
        ...this.productEnv(),
        PORT: String(this.ports.api),
        ADMIN_TOKEN,
        PUBLIC_BASE_URL: this.urls.gateway,
      }),
    );
    await Promise.all(starting);
    this.lever = new LeverSandbox(this.urls.lever);
    this.platform = new PlatformSandbox(this.urls.platform);
    this.api = new ConfigApi(this.urls.api, ADMIN_TOKEN);
  }

  productEnv() {
    return {
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: this.prefix,
      LEVER_API_URL: `${this.urls.lever}/v1`,
      PLATFORM_API_URL: this.urls.platform,
      PLATFORM_API_KEY,
      PLATFORM_WEBHOOK_SECRET,
      ...appEnvOverrides(),
    };
  }

  /** webhook-gateway, then `dispatchers` dispatchers and `resultSyncs` result-syncs (0 for none). */
  async startPipeline({ dispatchers = 1, resultSyncs = 1 } = {}) {
    const starting = [this.start('webhook-gateway', 'webhook-gateway', { ...this.productEnv(), PORT: String(this.ports.gateway) })];
    for (let i = 1; i <= dispatchers; i++) starting.push(this.startWorker('dispatcher', i));
    for (let i = 1; i <= resultSyncs; i++) starting.push(this.startWorker('result-sync', i));
    await Promise.all(starting);
  }

  async startWorker(app, i) {
    const port = await freePort();
    return this.start(i === 1 ? app : `${app}-${i}`, app, { ...this.productEnv(), PORT: String(port) }, `http://127.0.0.1:${port}`);
  }

  async start(name, app, env, url) {
    const port = env.PORT;
    const proc = startApp({ name, app, env, logFile: this.log(name) });
    proc.app = app;
    proc.url = url ?? `http://127.0.0.1:${port}`;
    this.procs.push(proc);
    await waitReady(proc, proc.url);
    return proc;
  }

  /** Processes of one app (e.g. every dispatcher). */
  ofApp(app) {
    return this.procs.filter((p) => p.app === app);
  }

  /** CPU ms of each process by name, now. */
  cpu() {
    return Object.fromEntries(this.procs.map((p) => [p.name, cpuMs(p.pid)]));
  }

  /** CPU ms of every process, user and system apart (system: the kernel's work for it, mostly socket I/O). */
  cpuSplit() {
    return Object.fromEntries(this.procs.map((p) => [p.name, cpuSplitMs(p.pid)]));
  }

  rss() {
    return Object.fromEntries(this.procs.map((p) => [p.name, rssKb(p.pid)]));
  }

  /** Every process still running (the bench fails loudly when an app died under load). */
  assertRunning() {
    const dead = this.procs.filter((p) => !p.running);
    if (dead.length) throw new Error(`${dead.map((p) => p.name).join(', ')} exited; see ${path.relative(ROOT, this.logDir)}/`);
  }

  async teardown() {
    // The pipeline first (it finishes the jobs in hand), then the API and the sandboxes.
    const order = ['webhook-gateway', 'dispatcher', 'result-sync', 'config-api', 'platform-sandbox', 'lever-sandbox'];
    for (const app of order) await Promise.all(this.ofApp(app).map((p) => p.stop()));
    await Promise.all(this.procs.map((p) => p.stop()));
    if (this.undoData) await this.undoData();
  }

  async dropData() {
    await pgAdmin(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    try {
      await redis.connect();
      await deleteRedisKeys(redis, `${this.prefix}*`);
    } finally {
      redis.disconnect();
    }
  }
}

/**
 * Databases and Redis keys of earlier bench runs that were killed (SIGKILL, power loss): names of
 * the bench's own pattern whose process no longer exists. Returns how many databases were dropped.
 */
async function sweepStale() {
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return err.code === 'EPERM';
    }
  };
  const stale = (name) => {
    const m = NAME_PATTERN.exec(name);
    return m !== null && Number(m[2]) !== process.pid && !alive(Number(m[2]));
  };
  const { rows } = await pgAdmin(`SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'`);
  const dbs = rows.map((r) => r.datname).filter(stale);
  for (const db of dbs) await pgAdmin(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let keys = 0;
  try {
    await redis.connect();
    const prefixes = new Set();
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', 'bench_*', 'COUNT', 1000);
      cursor = next;
      for (const k of found) {
        const m = /^(bench_[a-z0-9]+_\d+_[0-9a-f]{6})/.exec(k);
        if (m && stale(m[1])) prefixes.add(m[1]);
      }
    } while (cursor !== '0');
    for (const p of prefixes) keys += await deleteRedisKeys(redis, `${p}*`);
  } finally {
    redis.disconnect();
  }
  return { databases: dbs.length, keys };
}

module.exports = { Stack, sweepStale, deleteRedisKeys, REDIS_URL, PLATFORM_API_KEY, appEnvOverrides };
