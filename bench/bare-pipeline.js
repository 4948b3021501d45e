#!/usr/bin/env node
// The throughput scenario's CEILING: the same HTTP conversation as the product's path to "Sent",
// with nothing else. One plain node:http process in place of the gateway, the dispatcher and
// result-sync: for each Lever webhook it checks the signature (HMAC-SHA256 of token + triggeredAt,
// timing-safe), answers 200, reads the opportunity from Lever (as the dispatcher does), creates the
// platform invitation (with our idempotency key) and adds the "<prefix> - Sent" tag (as
// result-sync does), over the bench's keep-alive pool (bench/lib/http.js). No queue, no database, no lock, no budget, no retry:
// what the machine does with the stand-ins and the bench alone, so the product's figure can be read
// against what this machine can do at all. Not a product: a failed call is counted and dropped.
//
//   PORT=4098 TENANTS_FILE=t.json LEVER_API_URL=http://.../v1 PLATFORM_API_URL=http://... \
//   PLATFORM_API_KEY=k node bench/bare-pipeline.js
//   t.json: [{ webhookKey, signatureToken, apiKey, botId, tagPrefix, platformAccountId, platformTestId }]
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { leverSignatureValid } = require('./lib/bare');
const { basic, request } = require('./lib/http');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const PORT = Number(env('PORT'));
const LEVER = env('LEVER_API_URL');
const PLATFORM = env('PLATFORM_API_URL');
const PLATFORM_KEY = env('PLATFORM_API_KEY');
const tenants = new Map(JSON.parse(fs.readFileSync(env('TENANTS_FILE'), 'utf8')).map((t) => [t.webhookKey, t]));

const counts = { webhooks: 0, sent: 0, failed: 0 };

async function toSent(tenant, opportunityId) {
  const auth = { authorization: basic(tenant.apiKey) };
  const { json } = await request('GET', `${LEVER}/opportunities/${opportunityId}?expand=stage&expand=applications`, { headers: auth });
  const opportunity = json.data;
  const reference = randomUUID();
  await request('POST', `${PLATFORM}/v1/invitations`, {
    headers: { authorization: `Bearer ${PLATFORM_KEY}`, 'idempotency-key': reference },
    body: {
      testId: tenant.platformTestId,
      kind: 'take_home',
      timeLimitMinutes: 90,
      candidate: { name: opportunity.name, email: opportunity.emails[0] },
      reference,
      accountId: tenant.platformAccountId,
    },
  });
  await request('POST', `${LEVER}/opportunities/${opportunityId}/addTags?perform_as=${tenant.botId}`, {
    headers: auth,
    body: { tags: [`${tenant.tagPrefix} - Sent`] },
  });
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health/ready') return void res.end('{"status":"ok"}');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const match = /^\/webhooks\/lever\/([^/?]+)$/.exec(req.url ?? '');
    const tenant = match && tenants.get(decodeURIComponent(match[1]));
    if (!tenant) return void res.writeHead(req.url?.startsWith('/webhooks/platform') ? 200 : 404).end();
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return void res.writeHead(400).end();
    }
    if (!leverSignatureValid(body.token, body.triggeredAt, body.signature, tenant.signatureToken)) return void res.writeHead(401).end();
    res.writeHead(200).end();
    counts.webhooks++;
    toSent(tenant, body.data.opportunityId).then(
      () => counts.sent++,
      (err) => {
        counts.failed++;
        process.stderr.write(`bare-pipeline: ${err.message}\n`);
      },
    );
  });
});

server.listen(PORT, '127.0.0.1');
const stop = () => {
  process.stderr.write(`bare-pipeline: ${JSON.stringify(counts)}\n`);
  server.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
