/**
 * Typed errors of the platform client. `code` is stable (safe to store and to switch on);
 * `retryable` tells a queue worker whether a later attempt can succeed.
 */
export abstract class PlatformError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(
    message: string,
    /** HTTP status of the last answer, when there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 401/403: the API key is wrong or revoked. Retrying will not help until the key is fixed. */
export class PlatformAuthError extends PlatformError {
  readonly code = 'PLATFORM_AUTH_FAILED';
  readonly retryable = false;

  constructor(status: number) {
    super(`Assessment platform refused the API key (HTTP ${status}); check PLATFORM_API_KEY`, status);
  }
}

/**
 * 400/409/422 (and other 4xx): the platform refused the request. `platformMessage` is the
 * platform's own explanation, meant to be shown to a recruiter.
 */
export class PlatformRejectedError extends PlatformError {
  readonly code = 'PLATFORM_REJECTED';
  readonly retryable = false;

  constructor(
    status: number,
    readonly platformMessage: string,
    /** The request field the platform named, if any (e.g. `candidate.email`). */
    readonly field?: string,
    /** The platform's machine-readable error code, if any. */
    readonly platformCode?: string,
  ) {
    super(`Assessment platform refused the request (HTTP ${status}): ${platformMessage}`, status);
  }
}

/** The platform's error code for an Idempotency-Key already used with another body (422). */
export const IDEMPOTENCY_KEY_REUSED = 'idempotency_key_reused';

/**
 * True for the platform's 422 "this Idempotency-Key was already used with another body": the
 * invitation exists (created by an earlier attempt), it is not a refusal of the candidate.
 */
export function isIdempotencyKeyReused(err: unknown): err is PlatformRejectedError {
  return err instanceof PlatformRejectedError && err.platformCode === IDEMPOTENCY_KEY_REUSED;
}

/** 404: the invitation (or route) does not exist on the platform. */
export class PlatformNotFoundError extends PlatformError {
  readonly code = 'PLATFORM_NOT_FOUND';
  readonly retryable = false;

  constructor(readonly resource: string) {
    super(`Assessment platform has no ${resource}`, 404);
  }
}

export type PlatformUnavailableReason = 'timeout' | 'network' | 'http';

/** 408/429/5xx, timeouts and network errors that outlasted the client's attempts. */
export class PlatformUnavailableError extends PlatformError {
  readonly code = 'PLATFORM_UNAVAILABLE';
  readonly retryable = true;

  constructor(
    readonly reason: PlatformUnavailableReason,
    readonly attempts: number,
    status?: number,
    /** The platform's Retry-After, when it sent one: the earliest sensible next try. */
    readonly retryAfterMs?: number,
  ) {
    super(`Assessment platform unavailable after ${attempts} attempt(s): ${reason === 'http' ? `HTTP ${status}` : reason}`, status);
  }
}

/**
 * A 2xx whose body does not match the contract (a proxy's error page, a platform bug).
 * Retryable: for createInvitation the Idempotency-Key makes a later try safe.
 */
export class PlatformBadResponseError extends PlatformError {
  readonly code = 'PLATFORM_BAD_RESPONSE';
  readonly retryable = true;

  constructor(route: string, problem: string, status: number) {
    super(`Assessment platform answered ${route} with an unexpected body: ${problem}`, status);
  }
}
