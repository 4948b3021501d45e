#!/usr/bin/env node
// The ingest scenario's BARE baseline: the least a webhook receiver can do for a Lever delivery,
// written without Nest. A minimal Fastify server that looks the account up by webhook key, checks
// the signature like `verifyLeverWebhook` (HMAC-SHA256 of token + triggeredAt with the account's
// signature token, compared timing-safe, then the replay window), and makes one awaited BullMQ
// `queue.add` to Redis (job id from account + token and the product's lever-events job options,
// so Redis does the same work per job), then answers 202.
//
//   PORT=4099 QUEUE_PREFIX=x WEBHOOK_KEY=k SIGNATURE_TOKEN=s ACCOUNT_ID=a node bench/bare-gateway.js
'use strict';

const { createHash } = require('node:crypto');
const { Queue } = require('bullmq');
const Fastify = require('fastify');
const Redis = require('ioredis');
const { LEVER_EVENTS_JOB_OPTIONS, leverSignatureValid } = require('./lib/bare');

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};
const PORT = Number(env('PORT', '4099'));
const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
const accounts = new Map([[env('WEBHOOK_KEY'), { accountId: env('ACCOUNT_ID'), signatureToken: env('SIGNATURE_TOKEN') }]]);

const connection = new Redis(env('REDIS_URL', 'redis://127.0.0.1:6379'), { maxRetriesPerRequest: null });
const queue = new Queue(env('QUEUE_NAME', 'bare-lever-events'), {
  connection,
  prefix: env('QUEUE_PREFIX'),
  defaultJobOptions: LEVER_EVENTS_JOB_OPTIONS,
});

const app = Fastify({ logger: false, bodyLimit: 262_144 });

app.get('/health/ready', async () => ({ status: 'ok' }));

app.post('/webhooks/lever/:webhookKey', async (req, reply) => {
  const account = accounts.get(req.params.webhookKey);
  if (!account) return reply.code(404).send({ error: 'unknown webhook key' });
  const body = req.body;
  const { token, triggeredAt, signature, data } = body && typeof body === 'object' ? body : {};
  if (typeof token !== 'string' || typeof signature !== 'string' || (typeof triggeredAt !== 'number' && typeof triggeredAt !== 'string')) {
    return reply.code(401).send({ error: 'unsigned' });
  }
  if (!leverSignatureValid(token, triggeredAt, signature, account.signatureToken)) return reply.code(401).send({ error: 'bad signature' });
  const at = Number(triggeredAt);
  if (!Number.isFinite(at) || Date.now() - at > REPLAY_WINDOW_MS || at - Date.now() > MAX_FUTURE_SKEW_MS) {
    return reply.code(400).send({ error: 'stale' });
  }
  if (!data || typeof data.opportunityId !== 'string' || typeof data.toStageId !== 'string') return reply.code(400).send({ error: 'data' });
  const jobId = `le-${createHash('sha256').update(`${account.accountId}|${token}`).digest('hex').slice(0, 40)}`;
  await queue.add(
    'lever-events',
    {
      accountId: account.accountId,
      opportunityId: data.opportunityId,
      candidateId: data.candidateId ?? data.opportunityId,
      fromStageId: data.fromStageId ?? null,
      toStageId: data.toStageId,
      triggeredAt: new Date(at).toISOString(),
      deliveryToken: token,
      correlationId: token,
    },
    { jobId },
  );
  return reply.code(202).send({ status: 'accepted' });
});

async function main() {
  await queue.waitUntilReady();
  await app.listen({ port: PORT, host: '127.0.0.1' });
}

async function stop() {
  await app.close();
  await queue.close();
  connection.disconnect();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

main().catch((err) => {
  process.stderr.write(`bare-gateway: ${err.message}\n`);
  process.exit(1);
});
