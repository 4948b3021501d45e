#!/usr/bin/env node
// What an ioredis pipeline costs the garbage collector, against the same commands sent one by one.
// Each mode runs in a child process under --trace-gc-nvp: 8 loops, each sending batches of 16
// `SET key value PX 2000` (600-byte values, keys under a throwaway prefix that expire by themselves)
// for a few seconds, as a pipeline (`redis.pipeline()...exec()`, what BullMQ's addBulk does) or as
// 16 separate commands in the same turn (what the gateway does since the fourteenth round). A third
// mode only constructs pipelines and drops them, without sending anything.
//
// Every ioredis 5 pipeline defines a `length` getter closure on itself in its constructor; the
// object and everything it holds then outlive the young generation, so a scavenge copies and
// promotes them (likely through the hidden class of its own that the accessor gives each pipeline:
// docs/performance.md, fourteenth round). The figures: scavenges, their median pause, bytes promoted per scavenge and the
// time spent in scavenges per batch.
//
//   node bench/pipeline-gc.js [--seconds 6]
'use strict';

const { spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const Redis = require('ioredis');
const { REDIS_URL } = require('./lib/stack');

const LOOPS = 8;
const BATCH = 16;

/** The child: one mode, for `seconds`, then its batch count on stderr as JSON. */
async function child(mode, seconds) {
  const redis = new Redis(REDIS_URL);
  const prefix = `bench_pipelinegc_${process.pid}_${randomBytes(3).toString('hex')}`;
  const value = 'x'.repeat(600);
  const until = Date.now() + seconds * 1000;
  let batches = 0;
  const batch = async (n) => {
    if (mode === 'pipeline') {
      const pipeline = redis.pipeline();
      for (let k = 0; k < BATCH; k++) pipeline.set(`${prefix}:${n}:${k}`, value, 'PX', 2000);
      await pipeline.exec();
    } else if (mode === 'separate') {
      await Promise.all(Array.from({ length: BATCH }, (_, k) => redis.set(`${prefix}:${n}:${k}`, value, 'PX', 2000)));
    } else {
      for (let k = 0; k < BATCH; k++) redis.pipeline();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const loop = async (id) => {
    for (let n = id; Date.now() < until; n += LOOPS) {
      await batch(n);
      batches++;
    }
  };
  await redis.ping();
  await Promise.all(Array.from({ length: LOOPS }, (_, id) => loop(id)));
  await redis.quit();
  process.stderr.write(`${JSON.stringify({ batches })}\n`);
}

/** Median of the values of one --trace-gc-nvp field over the scavenges ("gc=s") of a log. */
function scavenges(stdout) {
  const rows = stdout
    .split('\n')
    .filter((line) => line.includes('gc=s '))
    .map((line) => Object.fromEntries(line.split(/\s+/).map((kv) => kv.split('='))));
  const values = (field) => rows.map((row) => Number(row[field])).sort((a, b) => a - b);
  const median = (field) => values(field)[Math.floor(rows.length / 2)] ?? 0;
  const total = (field) => values(field).reduce((a, b) => a + b, 0);
  return { count: rows.length, pauseMedian: median('pause'), pauseTotal: total('pause'), promotedMedian: median('promoted') };
}

function parent() {
  const i = process.argv.indexOf('--seconds');
  const seconds = i < 0 ? 6 : Number(process.argv[i + 1]);
  if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got ${process.argv[i + 1]}`);
  process.stdout.write(
    `ioredis pipeline against separate commands: ${LOOPS} loops x batches of ${BATCH}, ${seconds} s each, Redis ${REDIS_URL}\n`,
  );
  for (const mode of ['pipeline', 'separate', 'construct-only']) {
    process.stdout.write(`  .. ${mode}\n`);
    const run = spawnSync(process.execPath, ['--trace-gc-nvp', __filename, '--child', mode, String(seconds)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${mode} failed (exit ${run.status}): ${run.stderr}`);
    const { batches } = JSON.parse(run.stderr.trim().split('\n').pop());
    const gc = scavenges(run.stdout);
    const perBatchUs = batches ? (gc.pauseTotal * 1000) / batches : 0;
    process.stdout.write(
      `  ${mode.padEnd(15)} ${String(Math.round(batches / seconds)).padStart(7)} batches/s   scavenges ${String(gc.count).padStart(4)}, ` +
        `median pause ${gc.pauseMedian.toFixed(1)} ms, promoted ${(gc.promotedMedian / 1024).toFixed(0).padStart(5)} KB per scavenge (median), ` +
        `scavenge time ${perBatchUs.toFixed(1)} us per batch\n`,
    );
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], Number(process.argv[4])).catch((err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
} else {
  parent();
}
