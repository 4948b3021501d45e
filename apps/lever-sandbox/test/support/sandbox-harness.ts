import { createHttpApp, createLogger } from '@lever-assess/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../../src/app.module';
import type { RequestLogEntry } from '../../src/control/request-log';
import type { HistoryEntry, Note, Opportunity } from '../../src/store/sandbox.model';
import type { WebhookDelivery } from '../../src/webhooks/webhook-sender.service';
import { loadLeverSandboxEnv } from '../../src/config';

export interface RunningSandbox {
  app: NestFastifyApplication;
  baseUrl: string;
  /** LEVER_API_URL for clients. */
  apiUrl: string;
  control: SandboxControl;
  close(): Promise<void>;
}

/** Starts the sandbox in-process on a random port, as main.ts would (minus env from process). */
export async function startSandbox(env: Record<string, string> = {}): Promise<RunningSandbox> {
  const config = loadLeverSandboxEnv({ LOG_LEVEL: 'silent', ...env });
  const logger = createLogger('lever-sandbox', 'silent');
  const app = await createHttpApp(AppModule.forRoot(config, logger), { service: 'lever-sandbox', logger });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return { app, baseUrl, apiUrl: `${baseUrl}/v1`, control: new SandboxControl(baseUrl), close: () => app.close() };
}

export const basicAuth = (apiKey: string) => `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;

/** Typed calls to the /_sandbox control API. */
export class SandboxControl {
  constructor(private readonly baseUrl: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`control ${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
    return json as T;
  }

  createCompany(input: Record<string, unknown>) {
    return this.call<{
      id: string;
      keys: { id: string; apiKey: string }[];
      stages: { id: string; text: string }[];
      users: { id: string; email: string }[];
      opportunities: { id: string; contactId: string; name: string }[];
    }>('POST', '/companies', input);
  }
  fault(keyId: string, fault: { status?: number; count?: number; retryAfter?: string; delayMs?: number }) {
    return this.call<unknown>('POST', `/keys/${keyId}/faults`, fault);
  }
  revoke(keyId: string) {
    return this.call<unknown>('POST', `/keys/${keyId}/revoke`);
  }
  async requests(keyId: string): Promise<RequestLogEntry[]> {
    return (await this.call<{ data: RequestLogEntry[] }>('GET', `/requests?keyId=${encodeURIComponent(keyId)}`)).data;
  }
  stats(keyId: string) {
    return this.call<{ total: number; byStatus: Record<string, number>; maxPerSecond: number }>('GET', `/keys/${keyId}/stats`);
  }
  opportunity(id: string) {
    return this.call<OpportunityState>('GET', `/opportunities/${id}`);
  }
  async deliveries(companyId?: string): Promise<WebhookDelivery[]> {
    return (await this.call<{ data: WebhookDelivery[] }>('GET', `/webhook-deliveries${companyId ? `?companyId=${companyId}` : ''}`)).data;
  }
  /** A recruiter moves the candidate in Lever's UI (no API key used); `webhook: false` places it silently, `at` dates the move. */
  moveCandidate(opportunityId: string, stage: string, opts: ChangeOptions = {}) {
    return this.call<{ ok: true; stage: { id: string; text: string } }>('PUT', `/opportunities/${opportunityId}/stage`, { stage, ...opts });
  }
  /** Archive with a reason (id or text), or unarchive with null, as in Lever's UI. */
  archive(opportunityId: string, reason: string | null, opts: ChangeOptions = {}) {
    return this.call<{ ok: true; archived: unknown }>('PUT', `/opportunities/${opportunityId}/archived`, { reason, ...opts });
  }
  hire(opportunityId: string, opts: ChangeOptions = {}) {
    return this.call<{ ok: true; changed: boolean; archiveReason: string }>('POST', `/opportunities/${opportunityId}/hire`, opts);
  }
  deleteOpportunity(opportunityId: string, opts: { deletedBy?: string; webhook?: boolean } = {}) {
    const query = new URLSearchParams();
    if (opts.deletedBy) query.set('deletedBy', opts.deletedBy);
    if (opts.webhook !== undefined) query.set('webhook', String(opts.webhook));
    return this.call<{ ok: true; deletedBy: string | null }>('DELETE', `/opportunities/${opportunityId}?${query}`);
  }
  /** `extra`: per-event `signatureTokens` and the `events` sent; a PUT replaces the whole config. */
  setWebhook(companyId: string, url: string | null, signatureToken: string, extra: { signatureTokens?: object; events?: string[] } = {}) {
    return this.call<unknown>('PUT', `/companies/${companyId}/webhook`, { url, signatureToken, ...extra });
  }
  /** Company settings (`tagCreation: 'anyone' | 'super-admins'`). */
  settings(companyId: string, settings: Record<string, unknown>) {
    return this.call<{ ok: true; settings: { tagCreation: string } }>('PUT', `/companies/${companyId}/settings`, settings);
  }
  reset() {
    return this.call<unknown>('POST', '/reset');
  }
}

/** A company with one key, for tests that must not share rate buckets or faults. */
export async function createTestCompany(
  control: SandboxControl,
  opts: { permissions?: string[]; candidates?: unknown[]; stages?: unknown[] } = {},
) {
  const apiKey = `key-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const company = await control.createCompany({
    name: 'Test Co',
    keys: [{ apiKey, ...(opts.permissions ? { permissions: opts.permissions } : {}) }],
    users: [{ name: 'Bot', email: 'bot@test.example' }],
    candidates: opts.candidates ?? [{ name: 'Test Candidate', emails: ['t@test.example'] }],
    ...(opts.stages ? { stages: opts.stages } : {}),
  });
  const key = company.keys[0];
  return { company, keyId: key.id, apiKey, auth: { accountId: company.id, apiKey } };
}

export interface ChangeOptions {
  webhook?: boolean;
  at?: number;
}

export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  body: LeverWebhookBody;
}

export interface LeverWebhookBody {
  triggeredAt: number;
  event: string;
  token: string;
  signature: string;
  data: Record<string, unknown>;
}

/** GET /_sandbox/opportunities/:id */
export interface OpportunityState {
  id: string;
  tags: string[];
  links: string[];
  stage: { id: string; text: string | null };
  notes: Note[];
  history: HistoryEntry[];
  stageChanges: Opportunity['stageChanges'];
  archived: boolean;
  archivedAt: number | null;
  archiveReason: string | null;
  confidentiality: string;
  followers: string[];
  updatedAt: number;
  lastAdvancedAt: number;
}

/** A small HTTP server standing in for webhook-gateway; answers with `status(n)` for the n-th call. */
export async function startWebhookReceiver(status: (n: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.statusCode = status(received.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/lever/test`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
