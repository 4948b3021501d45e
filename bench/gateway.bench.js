#!/usr/bin/env node
// Webhook gateway throughput: signed Lever deliveries accepted per second (verify, validate,
// enqueue to Redis, 202) against a baseline measured in the same run on the same process:
// GET /health/live, which does no work beyond HTTP. The ratio says what the webhook path costs.
//
//   npm run build && node bench/gateway.bench.js [--requests 4000] [--concurrency 32]
//
// Uses the local Redis and PostgreSQL (a throwaway database and queue prefix, removed at the end).
'use strict';

const { spawn, execFileSync } = require('node:child_process');
const { createHmac, randomBytes } = require('node:crypto');
const { createServer } = require('node:net');
const path = require('node:path');
const Redis = require('ioredis');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 4000);
const CONCURRENCY = arg('concurrency', 32);
const ROOT = path.join(__dirname, '..');
const RUN = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${RUN}`;
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const SIGNATURE_TOKEN = 'bench-signature-token';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function start(app, env) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', app, 'main.js')], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', DATABASE_URL, QUEUE_PREFIX: RUN, ADMIN_TOKEN, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function waitReady(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready`);
}

/** Runs `total` requests with `concurrency` in flight; returns requests/s and latency percentiles. */
async function load(total, concurrency, makeRequest) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        const res = await makeRequest(i);
        await res.arrayBuffer();
        if (res.status >= 300) failures++;
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { rps: total / seconds, p50: pct(50), p99: pct(99), failures };
}

async function main() {
  execFileSync(process.execPath, [path.join(ROOT, 'dist/apps/config-api/migrate.js')], {
    env: { PATH: process.env.PATH, DATABASE_URL, LOG_LEVEL: 'warn' },
  });
  const [apiPort, gwPort] = [await freePort(), await freePort()];
  const apps = [start('config-api', { PORT: String(apiPort), PUBLIC_BASE_URL: `http://127.0.0.1:${gwPort}` })];
  try {
    const api = `http://127.0.0.1:${apiPort}`;
    await waitReady(api);
    const created = await fetch(`${api}/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({
        name: 'Bench',
        tagPrefix: 'Bench',
        lever: { apiKey: 'bench-lever-key', signatureToken: SIGNATURE_TOKEN, performAsUserId: 'u1' },
        platformAccountId: 'bench',
      }),
    });
    if (created.status !== 201) throw new Error(`account creation failed: ${created.status} ${await created.text()}`);
    const { webhookUrl } = await created.json();

    apps.push(start('webhook-gateway', { PORT: String(gwPort) }));
    const gateway = `http://127.0.0.1:${gwPort}`;
    await waitReady(gateway);

    const warmup = Math.min(500, REQUESTS / 4);
    const live = () => fetch(`${gateway}/health/live`);
    const webhook = (i) => {
      const token = randomBytes(24).toString('hex');
      const triggeredAt = Date.now();
      const body = {
        triggeredAt,
        event: 'candidateStageChange',
        data: { opportunityId: `opp-${i}`, candidateId: `opp-${i}`, contactId: `c-${i}`, toStageId: 'stage-1', fromStageId: 'stage-0' },
        token,
        signature: createHmac('sha256', SIGNATURE_TOKEN).update(`${token}${triggeredAt}`).digest('hex'),
      };
      return fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    };
    await load(warmup, CONCURRENCY, live);
    await load(warmup, CONCURRENCY, webhook);

    const baseline = await load(REQUESTS, CONCURRENCY, live);
    const accepted = await load(REQUESTS, CONCURRENCY, webhook);
    const fmt = (r) =>
      `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  non-2xx ${r.failures}`;
    console.log(`gateway bench: ${REQUESTS} requests, concurrency ${CONCURRENCY}, node ${process.version}`);
    console.log(`  baseline GET /health/live   ${fmt(baseline)}`);
    console.log(`  signed Lever webhook -> 202 ${fmt(accepted)}`);
    console.log(`  webhook / baseline throughput ratio: ${(accepted.rps / baseline.rps).toFixed(2)}`);
  } finally {
    for (const child of apps) child.kill('SIGTERM');
    await Promise.all(apps.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', `DROP DATABASE IF EXISTS "${RUN}" WITH (FORCE)`]);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${RUN}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  }
}

main().catch((err) => {
  console.error(`bench failed: ${err.message}`);
  process.exit(1);
});
