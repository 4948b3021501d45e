import {
  HttpCallError,
  currentCorrelationId,
  fullJitterDelayMs,
  httpCall,
  isRetryableStatus,
  parseRetryAfterMs,
  type AppLogger,
} from '@lever-assess/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ContractFieldError } from './contract-field.reader';
import type { CreateInvitationRequest, Invitation, InvitationState, PlatformTest } from './platform-contract.types';
import {
  PlatformAuthError,
  PlatformBadResponseError,
  PlatformNotFoundError,
  PlatformRejectedError,
  PlatformUnavailableError,
  type PlatformError,
} from './platform.errors';
import { platformRequestDuration, platformRequestsTotal } from './platform.metrics';
import { parseInvitation, parseInvitationList, parseInvitationState, parseTestList } from './platform-response.parser';

export type PlatformClientLogger = Pick<AppLogger, 'debug' | 'warn'>;

export interface PlatformClientOptions {
  /** PLATFORM_API_URL: the origin the `/v1/...` paths are appended to. */
  baseUrl: string;
  apiKey: string;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  /** Attempts per call, the first included. Keep it small: the queue owns the long retries. */
  maxAttempts?: number;
  logger?: PlatformClientLogger;
  /** Backoff base: attempt n waits a random 0..base*2^(n-1) ms. */
  retryBaseDelayMs?: number;
  /**
   * Longest wait between attempts. A Retry-After beyond it ends the call at once with a
   * PlatformUnavailableError carrying retryAfterMs, so the caller (queue) can wait instead.
   */
  maxRetryDelayMs?: number;
}

interface RequestSpec<T> {
  method: 'GET' | 'POST';
  /** Route template, the metric label (never the concrete path: ids would explode cardinality). */
  route: string;
  path: string;
  /** What a 404 means, for the error message. */
  resource: string;
  body?: unknown;
  headers?: Record<string, string>;
  parse: (json: unknown) => T;
}

type AttemptResult =
  | { kind: 'answer'; status: number; body: unknown; text: string; retryAfterMs?: number }
  | { kind: 'timeout' }
  | { kind: 'network'; detail: string };

/**
 * Typed client of the assessment platform contract (DESIGN.md). Every call has a timeout and
 * retries network errors, timeouts, 408/429/5xx with exponential backoff and full jitter
 * (honouring Retry-After). createInvitation is retried too because the Idempotency-Key makes a
 * repeat return the same invitation. Logs carry method, route, status and timing only: never the
 * API key, request bodies or candidate emails.
 */
export class PlatformClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly logger?: PlatformClientLogger;

  constructor(options: PlatformClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 250;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
    this.logger = options.logger;
  }

  /**
   * The tests one platform account may use (`accountId`: its platform account id): asked for with
   * `?accountId=`, and tests the answer says belong to another account are dropped even so, in case
   * a platform ignores the filter. Without `accountId`, everything the API key sees (all accounts).
   */
  async listTests(accountId?: string): Promise<PlatformTest[]> {
    const path = accountId === undefined ? '/v1/tests' : `/v1/tests?accountId=${encodeURIComponent(accountId)}`;
    const tests = await this.request({ method: 'GET', route: '/v1/tests', path, resource: 'tests endpoint', parse: parseTestList });
    return accountId === undefined
      ? tests
      : tests.filter((t) => t.accountId === undefined || t.accountId === null || t.accountId === accountId);
  }

  /** @param idempotencyKey our assessment id: a repeat (retry, redelivered job) returns the same invitation. */
  createInvitation(req: CreateInvitationRequest, idempotencyKey: string): Promise<Invitation> {
    if (!idempotencyKey) throw new Error('createInvitation needs an idempotency key');
    return this.request({
      method: 'POST',
      route: '/v1/invitations',
      path: '/v1/invitations',
      resource: 'invitations endpoint',
      body: req,
      headers: { 'idempotency-key': idempotencyKey },
      parse: parseInvitation,
    });
  }

  getInvitation(id: string): Promise<InvitationState> {
    return this.request({
      method: 'GET',
      route: '/v1/invitations/:id',
      path: `/v1/invitations/${encodeURIComponent(id)}`,
      resource: `invitation ${id}`,
      parse: parseInvitationState,
    });
  }

  /**
   * `GET /v1/invitations?reference=`: the invitations created for our assessment id, oldest first
   * (none when the platform never received the request). Not in DESIGN.md's contract: an
   * extension the sandbox serves, used only to fetch the invitation a 422 `idempotency_key_reused`
   * says exists (docs/platform-sandbox.md). A platform without it answers 404 (PlatformNotFoundError).
   */
  findInvitationsByReference(reference: string): Promise<Invitation[]> {
    return this.request({
      method: 'GET',
      route: '/v1/invitations?reference',
      path: `/v1/invitations?reference=${encodeURIComponent(reference)}`,
      resource: 'invitation look-up by reference',
      parse: parseInvitationList,
    });
  }

  /** Canceling is idempotent on the platform, so it is retried like a read. */
  cancelInvitation(id: string): Promise<InvitationState> {
    return this.request({
      method: 'POST',
      route: '/v1/invitations/:id/cancel',
      path: `/v1/invitations/${encodeURIComponent(id)}/cancel`,
      resource: `invitation ${id}`,
      parse: parseInvitationState,
    });
  }

  private async request<T>(spec: RequestSpec<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(spec, attempt);
      if (result.kind === 'answer' && result.status >= 200 && result.status < 300) return this.parse(spec, result);
      const failure = this.toError(spec, result, attempt);
      if (!(failure instanceof PlatformUnavailableError) || attempt >= this.maxAttempts) throw failure;
      const delayMs = failure.retryAfterMs ?? fullJitterDelayMs(attempt, { baseMs: this.retryBaseDelayMs, capMs: this.maxRetryDelayMs });
      if (delayMs > this.maxRetryDelayMs) throw failure;
      this.logger?.warn(
        { method: spec.method, route: spec.route, attempt, status: failure.status, reason: failure.reason, delayMs },
        'platform request failed, retrying',
      );
      await sleep(delayMs);
    }
  }

  private async attempt(spec: RequestSpec<unknown>, attempt: number): Promise<AttemptResult> {
    const started = performance.now();
    let statusLabel = 'network';
    try {
      // The timeout covers connect, headers and body: a platform that stalls mid-body still times out.
      const res = await httpCall(this.baseUrl + spec.path, {
        method: spec.method,
        headers: this.headers(spec),
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        timeoutMs: this.timeoutMs,
      });
      statusLabel = String(res.status);
      return {
        kind: 'answer',
        status: res.status,
        text: res.text,
        body: parseJson(res.text),
        retryAfterMs: parseRetryAfterMs(res.header('retry-after')) ?? undefined,
      };
    } catch (err) {
      if (!(err instanceof HttpCallError)) throw err;
      if (err.kind === 'timeout') {
        statusLabel = 'timeout';
        return { kind: 'timeout' };
      }
      const detail = err.code ?? err.message;
      this.logger?.debug({ method: spec.method, route: spec.route, attempt, detail }, 'platform request network error');
      return { kind: 'network', detail };
    } finally {
      const seconds = (performance.now() - started) / 1000;
      platformRequestsTotal.inc({ method: spec.method, route: spec.route, status: statusLabel });
      platformRequestDuration.observe({ method: spec.method, route: spec.route }, seconds);
      this.logger?.debug(
        { method: spec.method, route: spec.route, status: statusLabel, attempt, ms: Math.round(seconds * 1000) },
        'platform request',
      );
    }
  }

  private headers(spec: RequestSpec<unknown>): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.apiKey}`,
      ...spec.headers,
    };
    // Only with a body: Fastify-style servers refuse an empty body declared as JSON.
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    const correlationId = currentCorrelationId();
    if (correlationId) headers['x-request-id'] = correlationId;
    return headers;
  }

  private parse<T>(spec: RequestSpec<T>, result: Extract<AttemptResult, { kind: 'answer' }>): T {
    try {
      return spec.parse(result.body);
    } catch (err) {
      if (err instanceof ContractFieldError) throw new PlatformBadResponseError(`${spec.method} ${spec.route}`, err.message, result.status);
      throw err;
    }
  }

  private toError(spec: RequestSpec<unknown>, result: AttemptResult, attempt: number): PlatformError {
    if (result.kind === 'timeout') return new PlatformUnavailableError('timeout', attempt);
    if (result.kind === 'network') return new PlatformUnavailableError('network', attempt);
    const { status } = result;
    if (status === 401 || status === 403) return new PlatformAuthError(status);
    if (status === 404) return new PlatformNotFoundError(spec.resource);
    if (isRetryableStatus(status)) return new PlatformUnavailableError('http', attempt, status, result.retryAfterMs);
    const explained = explain(result.body, result.text, status);
    return new PlatformRejectedError(status, explained.message, explained.field, explained.code);
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const MAX_MESSAGE_LENGTH = 500;

/**
 * Pulls the platform's explanation out of an error body. Accepts `{ message, field, error }`,
 * `{ error: { message, field, code } }` and Nest-style `{ message: string[] }`; falls back to
 * the start of a plain-text body, then to the status.
 */
function explain(body: unknown, text: string, status: number): { message: string; field?: string; code?: string } {
  const obj = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  const nested = typeof obj?.error === 'object' && obj.error !== null ? (obj.error as Record<string, unknown>) : undefined;
  const source = nested ?? obj;
  const rawMessage = source?.message;
  const message =
    typeof rawMessage === 'string'
      ? rawMessage
      : Array.isArray(rawMessage)
        ? rawMessage.filter((m) => typeof m === 'string').join('; ')
        : obj === undefined && text.trim() !== ''
          ? text.trim()
          : `HTTP ${status}`;
  const field = typeof source?.field === 'string' ? source.field : undefined;
  const code = typeof nested?.code === 'string' ? nested.code : typeof obj?.error === 'string' ? obj.error : undefined;
  return { message: message.slice(0, MAX_MESSAGE_LENGTH), field, code };
}
