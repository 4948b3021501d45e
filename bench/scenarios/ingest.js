'use strict';
// 4. Ingest: wrk at 50 connections for ~10 s per server (12 s; 4 s with --quick) against (a) the
// built webhook-gateway and (b) the BARE baseline (bench/bare-gateway.js: minimal Fastify, the
// same HMAC check, one awaited BullMQ add), in the same run, on the same Redis and prefix. Every
// request carries its own signed Lever delivery (pre-generated: wrk's Lua has no HMAC), signed
// with the signature token registered for the account through the config API. Each server gets a
// warm-up first (its own deliveries). The measured time is split into rounds (4 x 3 s per server)
// in the order G B B G G B B G, so background load that rises or falls during the scenario hits
// both alike; the rounds are merged (requests / time, latency percentiles from each round's
// distribution weighted by its requests). Figures: req/s and latency for both, the ratio
// gateway/bare (target >= 1.0) and the gateway p99 (target <= 15 ms); the CPU of the server,
// Redis and wrk itself shows whether wrk was the bottleneck; the jobs stored in Redis are counted
// to show every 2xx really was a new job.
// The whole comparison runs in several sittings (3; 1 with --quick; BENCH_INGEST_SITTINGS), each
// on a fresh stack with fresh gateway and bare processes, and the targets are judged on the
// median of the sittings: one sitting's ratio ranged 0.82-1.17 for the same build within an hour
// (docs/performance.md, sixteenth round), so a single sitting's verdict can read either way.

const { createHmac, randomBytes, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Redis = require('ioredis');
const { Stack, REDIS_URL } = require('../lib/stack');
const { ROOT, benchNodeArgs, cpuMs, freePort, startProcess, ticksPerSecond, waitReady } = require('../lib/proc');
const { line, progress, target } = require('../lib/report');
const { alternate, median, num, verdict } = require('../lib/util');

const WRK = process.env.BENCH_WRK ?? 'wrk';
const CONNECTIONS = Number(process.env.BENCH_WRK_CONNECTIONS ?? 50);

function writeBodies(file, count, signatureToken) {
  const fd = fs.openSync(file, 'w');
  const triggeredAt = Date.now();
  const stage = randomUUID();
  let chunk = [];
  for (let i = 0; i < count; i++) {
    const token = randomBytes(24).toString('hex');
    const opp = randomUUID();
    chunk.push(
      JSON.stringify({
        triggeredAt,
        event: 'candidateStageChange',
        data: { opportunityId: opp, candidateId: opp, contactId: randomUUID(), toStageId: stage, fromStageId: null },
        signature: createHmac('sha256', signatureToken).update(`${token}${triggeredAt}`).digest('hex'),
        token,
      }),
    );
    if (chunk.length === 5_000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, `${chunk.join('\n')}\n`);
  fs.closeSync(fd);
}

async function runWrk({ url, bodies, seconds, threads, logFile, offset = 0 }) {
  const proc = startProcess({
    name: 'wrk',
    command: WRK,
    args: [
      `-t${threads}`,
      `-c${CONNECTIONS}`,
      `-d${seconds}s`,
      '--timeout',
      '5s',
      '-s',
      path.join(ROOT, 'bench/wrk/lever-webhooks.lua'),
      url,
      '--',
      bodies,
      String(threads),
      String(offset),
    ],
    env: {},
    logFile,
    graceMs: 2_000,
  });
  const before = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const code = await proc.exited;
  await proc.stop();
  const out = fs.readFileSync(logFile, 'utf8').slice(before);
  const json = out.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (code !== 0 || !json) throw new Error(`wrk failed (exit ${code}); see ${path.relative(ROOT, logFile)}`);
  const r = JSON.parse(json.slice(8));
  r.seconds = r.duration_us / 1e6;
  r.rps = r.requests / r.seconds;
  r.cpuPercent = (100 * r.cpu_ticks) / ticksPerSecond() / r.seconds;
  return r;
}

/** Latency percentile `p` (0..100, us) of several wrk runs: each run's 0.1-percentile points weighted by its requests. */
function mergedPercentile(runs, p) {
  const points = runs.flatMap((r) => r.dist.map((v) => ({ v, w: r.requests / r.dist.length }))).sort((a, b) => a.v - b.v);
  const total = points.reduce((sum, x) => sum + x.w, 0);
  let acc = 0;
  for (const x of points) {
    acc += x.w;
    if (acc >= (p / 100) * total - 1e-9) return x.v;
  }
  return points.at(-1)?.v ?? null;
}

function combine(t) {
  const runs = t.rounds;
  const requests = runs.reduce((s, r) => s + r.requests, 0);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const sum = (k) => runs.reduce((s, r) => s + r[k], 0);
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50: mergedPercentile(runs, 50) / 1000,
    p90: mergedPercentile(runs, 90) / 1000,
    p99: mergedPercentile(runs, 99) / 1000,
    max: Math.max(...runs.map((r) => r.max_us)) / 1000,
    errors: sum('connect') + sum('read') + sum('write') + sum('status') + sum('timeout'),
    wrapped: sum('wrapped'),
    wrkCpu: (100 * sum('cpu_ticks')) / ticksPerSecond() / seconds,
    serverCpu: t.serverCpuMs / 10 / seconds,
    redisCpu: t.redisCpuMs === null ? null : t.redisCpuMs / 10 / seconds,
    // CPU per request: steadier than req/s, which a closed loop of 50 connections ties to latency.
    serverUsPerRequest: (t.serverCpuMs * 1000) / requests,
    redisUsPerRequest: t.redisCpuMs === null ? null : (t.redisCpuMs * 1000) / requests,
    jobs: t.jobs,
    perRound: runs.map((r) => r.rps),
  };
}

async function redisPid(redis) {
  const info = await redis.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  return pid && cpuMs(pid) !== null ? pid : null;
}

/** The load of every sitting: the same deliveries, signed once with one signature token. */
function ingestLoad(quick) {
  return {
    rounds: quick ? 2 : 4, // per server, in the order gateway, bare, bare, gateway, ...
    roundSeconds: quick ? 2 : 3, // wrk takes whole seconds
    warmSeconds: quick ? 1 : 5, // perf: the gateway still compiled 7% of its CPU in a first round after 2 s
    count: quick ? 80_000 : 320_000,
    warmCount: quick ? 15_000 : 100_000,
    threads: Number(process.env.BENCH_WRK_THREADS ?? 1),
    // Each sitting registers it for its own account, on its own database and Redis prefix, so the
    // deliveries are new to every sitting's gateway.
    signatureToken: randomBytes(20).toString('hex'),
  };
}

/**
 * One sitting: a fresh stack, the gateway and the bare server, warm-ups and the alternating rounds.
 * Prints its figures and returns the ones the targets are judged on.
 */
async function sitting({ logDir, scenario, load, files }) {
  const { rounds, roundSeconds, warmSeconds, count, threads, signatureToken } = load;
  const stack = new Stack({ scenario, logDir, sandboxes: false });
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    progress(`${scenario}: starting config-api, creating the account, starting the gateway and the bare baseline`);
    await stack.setup();
    const account = await stack.api.call('POST', '/v1/accounts', {
      name: 'Bench ingest',
      tagPrefix: 'Bench ingest',
      lever: { apiKey: `lk_ingest_${randomBytes(6).toString('hex')}`, signatureToken },
      platformAccountId: 'bench-ingest',
    });
    await stack.startPipeline({ dispatchers: 0, resultSyncs: 0 });
    const gateway = stack.ofApp('webhook-gateway')[0];
    const barePort = await freePort();
    const webhookKey = decodeURIComponent(account.webhookUrl.split('/').pop());
    const bare = startProcess({
      name: 'bare-gateway',
      command: process.execPath,
      // The same node flags as the apps (BENCH_NODE_ARGS), so a profile of the two compares alike.
      args: [...benchNodeArgs(), path.join(ROOT, 'bench/bare-gateway.js')],
      env: {
        PORT: String(barePort),
        REDIS_URL,
        QUEUE_PREFIX: stack.prefix,
        WEBHOOK_KEY: webhookKey,
        SIGNATURE_TOKEN: signatureToken,
        ACCOUNT_ID: account.id,
      },
      logFile: stack.log('bare-gateway'),
    });
    bare.app = 'bare-gateway';
    stack.procs.push(bare);
    await waitReady(bare, `http://127.0.0.1:${barePort}`);

    await redis.connect();
    const redisProcess = await redisPid(redis);

    const targets = [
      { label: 'gateway', proc: gateway, url: account.webhookUrl, queue: 'lever-events' },
      {
        label: 'bare',
        proc: bare,
        url: `http://127.0.0.1:${barePort}/webhooks/lever/${encodeURIComponent(webhookKey)}`,
        queue: 'bare-lever-events',
      },
    ].map((t) => ({ ...t, rounds: [], used: 0, jobs: 0, serverCpuMs: 0, redisCpuMs: redisProcess ? 0 : null }));
    const [g, b] = targets;
    for (const t of targets) {
      progress(`${scenario}: ${t.label}: ${warmSeconds} s warm-up`);
      await runWrk({ url: t.url, bodies: files.warm, seconds: warmSeconds, threads, logFile: stack.log(`wrk-${t.label}`) });
    }
    const order = alternate(g, b, rounds);
    progress(`${scenario}: ${order.length} rounds of ${roundSeconds} s: ${order.map((t) => t.label).join(', ')}`);
    const roundRps = []; // in the order run: each adjacent pair is one gateway and one bare round
    for (const t of order) {
      const waitKey = `${stack.prefix}:${t.queue}:wait`;
      const jobs0 = await redis.llen(waitKey);
      const server0 = cpuMs(t.proc.pid);
      const redis0 = redisProcess ? cpuMs(redisProcess) : null;
      const r = await runWrk({
        url: t.url,
        bodies: files.bodies,
        seconds: roundSeconds,
        threads,
        logFile: stack.log(`wrk-${t.label}`),
        offset: t.used,
      });
      t.used += r.requests + 1_000; // wrk may have sent a few more than it counted
      t.rounds.push(r);
      roundRps.push({ label: t.label, rps: r.rps });
      t.jobs += (await redis.llen(waitKey)) - jobs0;
      t.serverCpuMs += cpuMs(t.proc.pid) - server0;
      if (redisProcess) t.redisCpuMs += cpuMs(redisProcess) - redis0;
      stack.assertRunning();
    }

    const [gr, br] = [combine(g), combine(b)];
    const ratio = gr.rps / br.rps;
    line(
      `  ${CONNECTIONS} connections, ${rounds * roundSeconds} s per server (${rounds} rounds of ${roundSeconds} s, order ${order.map((t) => t.label[0].toUpperCase()).join('')}) after a ${warmSeconds} s warm-up; wrk ${threads} thread(s)`,
    );
    line(`  ${num(count)} pre-signed deliveries, each sent at most once per server`);
    for (const [t, r] of [
      [g, gr],
      [b, br],
    ]) {
      line(
        `  ${t.label.padEnd(8)} ${num(r.rps).padStart(7)} req/s   p50 ${num(r.p50, 1)} ms  p90 ${num(r.p90, 1)} ms  p99 ${num(r.p99, 1)} ms  max ${num(r.max, 1)} ms   errors ${r.errors}${r.wrapped ? `, bodies WRAPPED ${r.wrapped}x` : ''}`,
      );
      line(
        `           rounds ${r.perRound.map((v) => num(v)).join(' / ')} req/s; ${num(r.requests)} requests counted by wrk, ${num(r.jobs)} new jobs in Redis`,
      );
      line(
        `           CPU (% of one core): server ${num(r.serverCpu)}%, Redis ${r.redisCpu === null ? 'n/a' : `${num(r.redisCpu)}%`}, wrk ${num(r.wrkCpu)}%;` +
          ` per request: server ${num(r.serverUsPerRequest)} us, Redis ${r.redisUsPerRequest === null ? 'n/a' : `${num(r.redisUsPerRequest)} us`}`,
      );
    }
    line(`  ratio gateway / bare: ${num(ratio, 2)}   gateway p99 ${num(gr.p99, 1)} ms`);
    // The machine's speed drifts over seconds; adjacent rounds share most of it, so the spread
    // of these ratios says how far this run's figure can be trusted.
    const pairRatios = [];
    for (let i = 0; i + 1 < roundRps.length; i += 2) {
      const [first, second] = [roundRps[i], roundRps[i + 1]];
      pairRatios.push(first.label === 'gateway' ? first.rps / second.rps : second.rps / first.rps);
    }
    line(`  ratio of each adjacent pair of rounds: ${pairRatios.map((v) => num(v, 2)).join(' / ')} (median ${num(median(pairRatios), 2)})`);
    const wrkMax = Math.max(gr.wrkCpu, br.wrkCpu);
    line(
      `  wrk ${wrkMax < 70 ? 'was not the bottleneck' : 'MAY have been the bottleneck'}: at most ${num(wrkMax)}% of one core (${threads} thread(s)); each server is one Node process`,
    );
    return { ratio, p99: gr.p99, cpuRatio: gr.serverUsPerRequest / br.serverUsPerRequest, gatewayRps: gr.rps, bareRps: br.rps };
  } finally {
    redis.disconnect();
    progress(`${scenario}: stopping the apps, dropping the database and Redis keys`);
    await stack.teardown();
  }
}

module.exports = {
  name: 'ingest',
  title: `ingest: wrk, ${CONNECTIONS} connections, built webhook-gateway vs a bare Fastify + BullMQ baseline`,
  async run({ quick, logDir }) {
    const sittings = Number(process.env.BENCH_INGEST_SITTINGS ?? (quick ? 1 : 3));
    if (!Number.isInteger(sittings) || sittings < 1)
      throw new Error(`BENCH_INGEST_SITTINGS must be a whole number >= 1, got ${process.env.BENCH_INGEST_SITTINGS}`);
    const load = ingestLoad(quick);
    const files = { bodies: path.join(logDir, 'ingest-bodies.jsonl'), warm: path.join(logDir, 'ingest-warmup.jsonl') };
    const results = [];
    try {
      progress(`ingest: writing ${num(load.count + load.warmCount)} signed deliveries to ${path.relative(ROOT, logDir)}/`);
      writeBodies(files.bodies, load.count, load.signatureToken);
      writeBodies(files.warm, load.warmCount, load.signatureToken);
      for (let i = 1; i <= sittings; i++) {
        if (sittings > 1) line(`  sitting ${i} of ${sittings} (a fresh stack, gateway and bare server):`);
        results.push(await sitting({ logDir, scenario: sittings > 1 ? `ingest${i}` : 'ingest', load, files }));
      }
    } finally {
      for (const f of Object.values(files)) fs.rmSync(f, { force: true });
    }
    const mid = (k) => median(results.map((r) => r[k]));
    if (sittings > 1) {
      const list = (k, digits) => results.map((r) => num(r[k], digits)).join(' / ');
      line(`  over the ${sittings} sittings, each figure's median (the targets are judged on these):`);
      line(`    ratio gateway / bare ${list('ratio', 2)} (median ${num(mid('ratio'), 2)})`);
      line(`    gateway p99 ${list('p99', 1)} ms (median ${num(mid('p99'), 1)} ms)`);
      line(`    CPU per request gateway / bare ${list('cpuRatio', 2)} (median ${num(mid('cpuRatio'), 2)})`);
    }
    target('ingest', 'req/s gateway / bare', num(mid('ratio'), 2), '>= 1.0', verdict(mid('ratio'), { min: 1.0 }), { raw: mid('ratio') });
    target('ingest', 'gateway p99', `${num(mid('p99'), 1)} ms`, '<= 15 ms', verdict(mid('p99'), { max: 15 }), { raw: mid('p99') });
    target('ingest', 'gateway req/s', num(mid('gatewayRps')), 'report', 'info', { raw: mid('gatewayRps'), better: 'higher' });
    target('ingest', 'CPU per request gateway / bare', num(mid('cpuRatio'), 2), 'report', 'info', {
      raw: mid('cpuRatio'),
      better: 'lower',
    });
    target('ingest', 'bare req/s', num(mid('bareRps')), 'report', 'info', { raw: mid('bareRps') });
  },
};
