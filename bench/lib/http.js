'use strict';
// JSON over HTTP for the control APIs (lever-sandbox, platform-sandbox, config-api) and the Lever
// API of the lever-sandbox. Node's fetch keeps connections alive, so polling stays cheap.

class HttpError extends Error {
  constructor(method, url, status, text) {
    super(`${method} ${url} -> ${status} ${text.slice(0, 300)}`);
    this.status = status;
  }
}

async function request(method, url, { body, headers = {}, timeoutMs = 30_000, expect } = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const ok = expect ? expect.includes(res.status) : res.ok;
  if (!ok) throw new HttpError(method, url, res.status, text);
  return { status: res.status, json: text ? JSON.parse(text) : null };
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
