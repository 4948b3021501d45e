'use strict';
// What the bench's bare stand-ins share (bench/bare-gateway.js, bench/bare-pipeline.js,
// bench/queue-hop.js): Lever's webhook signature check and the product's lever-events job options,
// written once so the baselines do the same work as the product and as each other.

const { createHmac, timingSafeEqual } = require('node:crypto');

/** Like the product's verifyLeverWebhook: HMAC-SHA256 of token + triggeredAt, compared timing-safe. */
function leverSignatureValid(token, triggeredAt, signature, secret) {
  const expected = Buffer.from(createHmac('sha256', secret).update(`${token}${triggeredAt}`).digest('hex'));
  const given = Buffer.from(String(signature).toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Attempts, backoff and completed-job retention of the lever-events queue (QUEUE_CONFIG in
 * libs/queues), so Redis does the same work per job; failed jobs are kept (none fail here).
 */
const LEVER_EVENTS_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 60 * 60, count: 50_000 },
  removeOnFail: false,
};

module.exports = { leverSignatureValid, LEVER_EVENTS_JOB_OPTIONS };
