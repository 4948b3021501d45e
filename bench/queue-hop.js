#!/usr/bin/env node
// What one queue hop costs on this machine, alone: N jobs with the product's job options are added
// (addBulk) to a throwaway prefix on the local Redis, then one BullMQ worker (concurrency 16) with a
// job function that does nothing consumes them. Prints jobs/s and the worker process's CPU per job,
// so the throughput scenario's CPU per candidate can be read against what its two hops cost.
//
//   node bench/queue-hop.js [--jobs 5000] [--concurrency 16]
'use strict';

const { randomBytes } = require('node:crypto');
const { Queue, Worker } = require('bullmq');
const Redis = require('ioredis');
const { LEVER_EVENTS_JOB_OPTIONS } = require('./lib/bare');
const { deleteRedisKeys, REDIS_URL } = require('./lib/stack');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${process.argv[i + 1]}`);
  return n;
}

async function main() {
  const jobs = option('jobs', 5_000);
  const concurrency = option('concurrency', 16);
  const prefix = `bench_queuehop_${process.pid}_${randomBytes(3).toString('hex')}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('hop', { connection: redis, prefix });
  try {
    for (let i = 0; i < jobs; i += 500) {
      const n = Math.min(500, jobs - i);
      await queue.addBulk(
        Array.from({ length: n }, (_, j) => ({
          name: 'hop',
          data: { accountId: 'acc', opportunityId: `opp-${i + j}`, deliveryToken: `tok-${i + j}` },
          opts: { ...LEVER_EVENTS_JOB_OPTIONS, jobId: `hop-${i + j}` },
        })),
      );
    }
    process.stdout.write(`${jobs} jobs waiting; consuming with concurrency ${concurrency}\n`);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    let done = 0;
    const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker('hop', async () => undefined, { connection: workerConnection, prefix, concurrency });
    await new Promise((resolve, reject) => {
      worker.on('completed', () => ++done === jobs && resolve());
      worker.on('error', reject);
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    await worker.close();
    workerConnection.disconnect();
    process.stdout.write(
      `consumed ${jobs} no-op jobs in ${ms.toFixed(0)} ms: ${((jobs / ms) * 1000).toFixed(0)} jobs/s, ` +
        `${((cpu.user + cpu.system) / jobs).toFixed(0)} µs of this process's CPU per job (the worker; Redis not counted)\n`,
    );
  } finally {
    await queue.close();
    await deleteRedisKeys(redis, `${prefix}:*`);
    redis.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`queue-hop: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
