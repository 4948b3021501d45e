#!/usr/bin/env node
// The throughput scenario's CEILING: the same HTTP conversation as the product's path to "Sent",
// with nothing else. One plain node:http process in place of the gateway, the dispatcher and
// result-sync: for each Lever webhook it checks the signature (HMAC-SHA256 of token + triggeredAt,
// timing-safe), answers 200, reads the opportunity from Lever (as the dispatcher does), creates the
// platform invitation (with our idempotency key) and adds the "<prefix> - Sent" tag (as
// result-sync does), over keep-alive pools. No queue, no database, no lock, no budget, no retry:
// what the machine does with the stand-ins and the bench alone, so the product's figure can be read
// against what this machine can do at all. Not a product: a failed call is counted and dropped.
//
//   PORT=4098 TENANTS_FILE=t.json LEVER_API_URL=http://.../v1 PLATFORM_API_URL=http://... \
//   PLATFORM_API_KEY=k node bench/bare-pipeline.js
//   t.json: [{ webhookKey, signatureToken, apiKey, botId, tagPrefix, platformAccountId, platformTestId }]
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const { createHmac, randomUUID, timingSafeEqual } = require('node:crypto');

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

const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo', timeout: 4_000 });
const counts = { webhooks: 0, sent: 0, failed: 0 };

function call(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const all = { ...headers };
    if (body !== undefined) {
      all['content-type'] = 'application/json';
      all['content-length'] = String(Buffer.byteLength(body));
    }
    const req = http.request(url, { method, headers: all, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode < 200 || res.statusCode >= 300) reject(new Error(`${method} ${url} -> ${res.statusCode} ${text.slice(0, 200)}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

function signatureValid(token, triggeredAt, signature, secret) {
  const expected = Buffer.from(createHmac('sha256', secret).update(`${token}${triggeredAt}`).digest('hex'));
  const given = Buffer.from(String(signature).toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

async function toSent(tenant, opportunityId) {
  const auth = { authorization: `Basic ${Buffer.from(`${tenant.apiKey}:`).toString('base64')}` };
  const opportunity = (await call('GET', `${LEVER}/opportunities/${opportunityId}?expand=stage&expand=applications`, auth)).data;
  const reference = randomUUID();
  await call(
    'POST',
    `${PLATFORM}/v1/invitations`,
    { authorization: `Bearer ${PLATFORM_KEY}`, 'idempotency-key': reference },
    JSON.stringify({
      testId: tenant.platformTestId,
      kind: 'take_home',
      timeLimitMinutes: 90,
      candidate: { name: opportunity.name, email: opportunity.emails[0] },
      reference,
      accountId: tenant.platformAccountId,
    }),
  );
  await call(
    'POST',
    `${LEVER}/opportunities/${opportunityId}/addTags?perform_as=${tenant.botId}`,
    auth,
    JSON.stringify({ tags: [`${tenant.tagPrefix} - Sent`] }),
  );
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
    if (!signatureValid(body.token, body.triggeredAt, body.signature, tenant.signatureToken)) return void res.writeHead(401).end();
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
