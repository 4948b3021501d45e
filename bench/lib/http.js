'use strict';
// JSON over HTTP for the control APIs (lever-sandbox, platform-sandbox, config-api) and the Lever
// API of the lever-sandbox. node:http over a keep-alive pool rather than fetch: the bench runner
// shares the machine's two cores with the product, and with fetch (undici) it spent about twice
// the CPU in the throughput scenario (docs/performance.md, ninth round).

const http = require('node:http');

const agent = new http.Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 64, scheduling: 'lifo', timeout: 4_000 });

class HttpError extends Error {
  constructor(method, url, status, text) {
    super(`${method} ${url} -> ${status} ${text.slice(0, 300)}`);
    this.status = status;
  }
}

function send(method, url, headers, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function request(method, url, { body, headers = {}, timeoutMs = 30_000, expect } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const all = { ...headers };
  if (payload !== undefined) {
    all['content-type'] = 'application/json';
    all['content-length'] = String(Buffer.byteLength(payload));
  }
  const { status, text } = await send(method, url, all, payload, timeoutMs);
  const ok = expect ? expect.includes(status) : status >= 200 && status < 300;
  if (!ok) throw new HttpError(method, url, status, text);
  return { status, json: text ? JSON.parse(text) : null };
}

const basic = (apiKey) => `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;

/** The lever-sandbox: control API under /_sandbox and the Lever API under /v1. */
class LeverSandbox {
  constructor(url) {
    this.url = url;
  }
  async control(method, path, body) {
    return (await request(method, `${this.url}/_sandbox${path}`, { body })).json;
  }
  createCompany(input) {
    return this.control('POST', '/companies', input);
  }
  opportunity(id) {
    return this.control('GET', `/opportunities/${id}`);
  }
  async requests({ keyId, since } = {}) {
    const q = new URLSearchParams();
    if (keyId) q.set('keyId', keyId);
    if (since) q.set('since', String(since));
    return (await this.control('GET', `/requests?${q}`)).data;
  }
  keyStats(keyId) {
    return this.control('GET', `/keys/${keyId}/stats`);
  }
  async deliveries(companyId) {
    return (await this.control('GET', `/webhook-deliveries?companyId=${encodeURIComponent(companyId)}`)).data;
  }
  /** PUT /v1/opportunities/:id/stage as a recruiter's tool would; returns the HTTP status. */
  async moveStage(apiKey, opportunityId, stageId) {
    const res = await request('PUT', `${this.url}/v1/opportunities/${opportunityId}/stage`, {
      body: { stage: stageId },
      headers: { authorization: basic(apiKey) },
      expect: [200, 429],
    });
    return res.status;
  }
}

/** The platform-sandbox control API. */
class PlatformSandbox {
  constructor(url) {
    this.url = url;
  }
  async invitations() {
    return (await request('GET', `${this.url}/_sandbox/invitations`)).json.data;
  }
  complete(id) {
    return request('POST', `${this.url}/_sandbox/invitations/${id}/complete`, { body: {} });
  }
  score(id, score) {
    return request('POST', `${this.url}/_sandbox/invitations/${id}/score`, { body: { score } });
  }
}

/** The config API (admin bearer token). */
class ConfigApi {
  constructor(url, adminToken) {
    this.url = url;
    this.headers = { authorization: `Bearer ${adminToken}` };
  }
  async call(method, path, body) {
    return (await request(method, `${this.url}${path}`, { body, headers: this.headers })).json;
  }
}

module.exports = { request, HttpError, LeverSandbox, PlatformSandbox, ConfigApi, basic };
