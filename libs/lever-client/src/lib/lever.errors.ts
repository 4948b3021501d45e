/**
 * Typed Lever failures. Callers branch on the class (or the stable `code`) and on `retryable`:
 * a queue worker retries retryable errors later and records the others as the account's error.
 * Messages name the endpoint and quote Lever's own `code`/`message`, never the API key.
 */
export abstract class LeverError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(
    message: string,
    readonly accountId: string,
    readonly status?: number,
    /** Lever's error body fields when the response was JSON. */
    readonly leverCode?: string,
    readonly leverMessage?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** What a failed response said, carried into the error. */
export interface LeverFailure {
  accountId: string;
  /** "GET /opportunities/:id" (templated, no ids). */
  endpoint: string;
  status?: number;
  leverCode?: string;
  leverMessage?: string;
}

function detail(f: LeverFailure): string {
  const body = [f.leverCode, f.leverMessage].filter(Boolean).join(': ');
  return `${f.endpoint}${f.status ? ` -> ${f.status}` : ''}${body ? ` (Lever says ${body})` : ''}`;
}

/** 401: the key was not accepted. Lever answers 401 for unknown and revoked keys alike. */
export class LeverAuthError extends LeverError {
  readonly code = 'LEVER_KEY_REVOKED';
  readonly retryable = false;
  constructor(
    f: LeverFailure,
    /** Which credential Lever refused: an OAuth access token is refreshed once before the account counts as revoked. */
    readonly credential: 'api_key' | 'oauth' = 'api_key',
  ) {
    super(
      credential === 'oauth'
        ? `Lever rejected the OAuth access token. ${detail(f)}`
        : `Lever rejected the API key as invalid or revoked; paste a new key for this account. ${detail(f)}`,
      f.accountId,
      f.status ?? 401,
      f.leverCode,
      f.leverMessage,
    );
  }

  /** Read by the queue kit (outcomeOfError): the account's jobs park until its key is replaced. */
  get parkAccountId(): string {
    return this.accountId;
  }
}

/** 403: the key lacks the permission for this endpoint (Lever key permissions cannot be edited). */
export class LeverPermissionError extends LeverError {
  readonly code: string = 'LEVER_PERMISSION_MISSING';
  readonly retryable = false;
  constructor(
    f: LeverFailure,
    readonly endpoint = f.endpoint,
  ) {
    super(
      `The Lever API key lacks the permission for ${f.endpoint}; create a key with that permission. ${detail(f)}`,
      f.accountId,
      f.status ?? 403,
      f.leverCode,
      f.leverMessage,
    );
  }
}

/** The fix for a key without confidential access, in the words shown to admins (account health, failed jobs). */
export const CONFIDENTIAL_ACCESS_FIX = 'create a key with confidential access';

/**
 * 403 reading one opportunity. A key that reads candidates at all is refused a confidential one
 * when it was created without access to confidential data (Lever cannot add that to a key), so
 * that is what the message leads with; the 403 itself does not say which permission is missing.
 */
export class LeverConfidentialAccessError extends LeverPermissionError {
  override readonly code = 'LEVER_CONFIDENTIAL_ACCESS';
  constructor(f: LeverFailure) {
    super(f);
    this.message =
      'Lever refused to show this candidate: it is confidential and the API key was created without access to confidential data. ' +
      `Lever cannot add that access to an existing key: ${CONFIDENTIAL_ACCESS_FIX} ("Allow access to confidential data") and save it on the account. ` +
      `(If the key cannot read any candidate, it lacks opportunities read instead.) ${detail(f)}`;
  }
}

/** 404: the object does not exist (for example an opportunity deleted since the webhook). */
export class LeverNotFoundError extends LeverError {
  readonly code = 'LEVER_NOT_FOUND';
  readonly retryable = false;
  constructor(f: LeverFailure) {
    super(`Lever object not found: ${detail(f)}`, f.accountId, f.status ?? 404, f.leverCode, f.leverMessage);
  }
}

/** 400 or any other 4xx that is not retryable: our request was wrong. */
export class LeverBadRequestError extends LeverError {
  readonly code = 'LEVER_BAD_REQUEST';
  readonly retryable = false;
  constructor(f: LeverFailure) {
    super(`Lever refused the request: ${detail(f)}`, f.accountId, f.status, f.leverCode, f.leverMessage);
  }
}

/**
 * 429 after the attempt budget, or our own limiter would have to wait longer than allowed.
 * `retryAfterMs` is when the caller may try again (a queue delays the account's job by it).
 */
export class LeverRateLimitedError extends LeverError {
  readonly code = 'LEVER_RATE_LIMITED';
  readonly retryable = true;
  constructor(
    f: LeverFailure,
    readonly retryAfterMs: number,
  ) {
    super(`Lever rate limit reached, retry in ${retryAfterMs} ms: ${detail(f)}`, f.accountId, f.status, f.leverCode, f.leverMessage);
  }

  /** Read by the queue kit (outcomeOfError): the job waits this long without using an attempt. */
  get delayJobMs(): number {
    return this.retryAfterMs;
  }
}

/**
 * 5xx, 408, timeout or network failure after the attempt budget. `writeMayHaveApplied` is true
 * when a non-idempotent write (createNote) failed without a clear answer: Lever may have stored
 * it, so check before writing again.
 */
export class LeverUnavailableError extends LeverError {
  readonly code = 'LEVER_UNAVAILABLE';
  readonly retryable = true;
  constructor(
    f: LeverFailure & { cause?: string },
    readonly writeMayHaveApplied = false,
    readonly retryAfterMs?: number,
  ) {
    super(`Lever unavailable: ${detail(f)}${f.cause ? ` [${f.cause}]` : ''}`, f.accountId, f.status, f.leverCode, f.leverMessage);
  }
}

/** A 2xx whose body is not what Lever documents (not JSON, or required fields missing). */
export class LeverUnexpectedResponseError extends LeverError {
  readonly code = 'LEVER_UNEXPECTED_RESPONSE';
  readonly retryable = false;
  constructor(f: LeverFailure, reason: string) {
    super(`Unexpected Lever response from ${f.endpoint}: ${reason}`, f.accountId, f.status);
  }
}
