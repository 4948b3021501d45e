import { HttpCallError, fullJitterDelayMs, httpCall, isRetryableStatus, parseRetryAfterMs, pause } from '@lever-assess/common';
import { performance } from 'node:perf_hooks';
import {
  LeverAuthError,
  LeverBadRequestError,
  LeverNotFoundError,
  LeverPermissionError,
  LeverRateLimitedError,
  LeverUnavailableError,
  LeverUnexpectedResponseError,
  type LeverFailure,
} from './lever.errors';
import type { LeverAuth, LeverClientLogger } from './lever.types';
import { leverRateLimitWait, leverRequestDuration, leverRequestsTotal } from './lever-metrics';
import { parseErrorBody } from './lever-parsers';
import { leverCredentialId, spendPrepaid } from './rate-limit/lever-budget';
import type { LeverRateLimiter } from './rate-limit/lever-rate-limiter';

export interface LeverHttpOptions {
  /** e.g. https://api.lever.co/v1 or http://127.0.0.1:4010/v1 */
  baseUrl: string;
  limiter: LeverRateLimiter;
  timeoutMs?: number;
  /** Attempts per call, first one included. The job queue owns long retries. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /**
   * The longest wait in-process, for a turn of the key's budget or a 429's Retry-After (default
   * 250 ms): anything longer is a LeverRateLimitedError carrying the wait, so the queue delays the
   * job and its worker slot serves other accounts meanwhile.
   */
  maxInlineWaitMs?: number;
  logger?: LeverClientLogger;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface LeverRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Templated path, used in metrics, logs and errors: "/opportunities/:id/addTags". */
  route: string;
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /**
   * Idempotent calls are retried on any retryable failure. Non-idempotent ones (createNote) only
   * on 429, when Lever refused the request and so stored nothing.
   */
  idempotent: boolean;
}

/** Sends one logical Lever call: limiter, timeout, retries, typed errors, metrics, debug log. */
export class LeverHttp {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: { baseMs: number; capMs: number };
  readonly maxInlineWaitMs: number;

  constructor(private readonly options: LeverHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.backoff = { baseMs: options.backoffBaseMs ?? 250, capMs: options.backoffCapMs ?? 4_000 };
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? 250;
  }

  async request(auth: LeverAuth, req: LeverRequest): Promise<unknown> {
    const url = this.url(auth, req);
    const endpoint = `${req.method} ${req.route}`;
    const base: LeverFailure = { accountId: auth.accountId, endpoint };
    const call = {
      method: req.method,
      headers: this.headers(auth, req.body !== undefined),
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      timeoutMs: this.timeoutMs,
    };

    const keyId = leverCredentialId(auth);
    for (let attempt = 1; ; attempt++) {
      // Every attempt, retries included, takes its turn of the key's budget.
      await this.admit(keyId, base);
      const started = performance.now();
      let status: number;
      let text: string;
      let retryAfterHeader: string | undefined;
      try {
        const res = await httpCall(url, call);
        text = res.text;
        status = res.status;
        retryAfterHeader = res.header('retry-after');
      } catch (err) {
        if (!(err instanceof HttpCallError)) throw err;
        this.observe(auth, req, err.kind, started, attempt);
        if ((!req.idempotent && !err.notSent) || attempt >= this.maxAttempts) {
          throw new LeverUnavailableError({ ...base, cause: err.message }, !req.idempotent && !err.notSent);
        }
        await pause(fullJitterDelayMs(attempt, this.backoff));
        continue;
      }
      this.observe(auth, req, String(status), started, attempt);
      if (status >= 200 && status < 300) return this.parseJson(text, { ...base, status });

      const failure: LeverFailure = { ...base, status, ...parseErrorBody(text) };
      if (status === 401) throw new LeverAuthError(failure, auth.accessToken ? 'oauth' : 'api_key');
      if (status === 403) throw new LeverPermissionError(failure);
      if (status === 404) throw new LeverNotFoundError(failure);
      if (!isRetryableStatus(status)) throw new LeverBadRequestError(failure);

      const retryAfterMs = parseRetryAfterMs(retryAfterHeader);
      const delayMs = retryAfterMs ?? fullJitterDelayMs(attempt, this.backoff);
      if (status === 429) {
        // The key is over Lever's budget (perhaps through another tool sharing it): every replica
        // backs off, and a wait longer than a moment is the queue's, not this worker slot's.
        await this.options.limiter.penalize(keyId, delayMs);
        if (attempt >= this.maxAttempts || delayMs > this.maxInlineWaitMs) throw new LeverRateLimitedError(failure, delayMs);
        continue;
      }
      if (!req.idempotent || attempt >= this.maxAttempts)
        throw new LeverUnavailableError(failure, !req.idempotent, retryAfterMs ?? undefined);
      await pause(delayMs);
    }
  }

  /**
   * One request's turn: spent from the job's reservation when it has one left, else taken from
   * the shared bucket if it comes within maxInlineWaitMs.
   * @throws LeverRateLimitedError carrying the wait when the turn is further away
   * @throws ShuttingDownError when the process begins shutting down during the wait
   */
  private async admit(keyId: string, failure: LeverFailure): Promise<void> {
    if (spendPrepaid(keyId)) return;
    const { granted, waitMs } = await this.options.limiter.acquire(keyId, 1, this.maxInlineWaitMs);
    if (!granted) throw new LeverRateLimitedError({ ...failure, endpoint: `${failure.endpoint} (rate limiter)` }, waitMs);
    leverRateLimitWait.observe(waitMs / 1000);
    await pause(waitMs);
  }

  private url(auth: LeverAuth, req: LeverRequest): string {
    const path = req.route.replace(/:(\w+)/g, (_m, name: string) => {
      const value = req.params?.[name];
      if (!value) throw new TypeError(`Lever ${req.route}: missing value for :${name}`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value === undefined) continue;
      // Lever takes multi-value parameters as repeated keys: ?expand=stage&expand=applications
      for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
    }
    const qs = search.toString();
    // Per account (region); the key's rate limiter is keyed by the key alone, wherever it is sent.
    const base = auth.baseUrl ? auth.baseUrl.replace(/\/+$/, '') : this.baseUrl;
    return `${base}${path}${qs ? `?${qs}` : ''}`;
  }

  private headers(auth: LeverAuth, hasBody: boolean): Record<string, string> {
    // Lever: Basic auth with the key as user name and an empty password ("key:"); OAuth: Bearer.
    const headers: Record<string, string> = {
      Authorization: auth.accessToken ? `Bearer ${auth.accessToken}` : `Basic ${Buffer.from(`${auth.apiKey ?? ''}:`).toString('base64')}`,
      Accept: 'application/json',
      'User-Agent': 'lever-assess',
    };
    if (hasBody) headers['Content-Type'] = 'application/json';
    return headers;
  }

  private parseJson(text: string, failure: LeverFailure): unknown {
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new LeverUnexpectedResponseError(failure, 'body is not JSON');
    }
  }

  private observe(auth: LeverAuth, req: LeverRequest, status: string, started: number, attempt: number) {
    const ms = Math.round(performance.now() - started);
    leverRequestsTotal.inc({ method: req.method, route: req.route, status });
    leverRequestDuration.observe({ method: req.method, route: req.route }, ms / 1000);
    this.options.logger?.debug({ method: req.method, route: req.route, status, ms, attempt, accountId: auth.accountId }, 'lever request');
  }
}
