import type { WebhookOutcome } from './webhook-outcome';

/**
 * A webhook refused with a non-2xx answer. `code` is stable (the `error` field of the JSON
 * answer), `outcome` the label of the webhooks_received_total metric and of the log line.
 */
export abstract class WebhookRefusedError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;
  abstract readonly outcome: WebhookOutcome;
  /** Known once the webhook key or the delivery has been read; logged with the refusal. */
  accountId?: string;
  correlationId?: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Adds what is known about the delivery, for the log line. */
  about(context: { accountId?: string; correlationId?: string }): this {
    Object.assign(this, context);
    return this;
  }
}

export class UnknownWebhookKeyError extends WebhookRefusedError {
  readonly code = 'unknown_webhook_key';
  readonly httpStatus = 401;
  readonly outcome = 'unknown_key';
  constructor() {
    super('No account has this webhook URL; copy the URL shown by the config API into Lever (the key may have been rotated)');
  }
}

/** Unsigned, or signed with another token than the one stored for the account. */
export class LeverSignatureInvalidError extends WebhookRefusedError {
  readonly code = 'invalid_signature';
  readonly httpStatus = 401;
  readonly outcome: WebhookOutcome;
  constructor(kind: 'unsigned' | 'bad-signature' | 'no-token') {
    super(
      kind === 'unsigned'
        ? 'The delivery carries no signature: generate a signature token for this webhook in Lever and store it in the account'
        : kind === 'no-token'
          ? "The account holds no signature token for this event yet: register its webhooks (POST /v1/accounts/:id/lever/webhooks/sync) or store the webhook's token in the account"
          : "The signature does not match the account's signature token; if the token was regenerated in Lever, store the new one in the account",
    );
    this.outcome = kind === 'unsigned' ? 'unsigned' : 'bad_signature';
  }
}

/** triggeredAt outside the replay window: an old (possibly captured) delivery sent again. */
export class LeverDeliveryStaleError extends WebhookRefusedError {
  readonly code = 'stale_delivery';
  readonly httpStatus = 401;
  readonly outcome = 'stale';
  constructor(replayWindowMs: number) {
    super(
      `triggeredAt is more than ${formatDuration(replayWindowMs)} old (or in the future); deliveries outside this replay window are refused`,
    );
  }
}

/** The body is not what the contract says; `field` names the part at fault. */
export class InvalidWebhookBodyError extends WebhookRefusedError {
  readonly code = 'invalid_body';
  readonly httpStatus = 400;
  readonly outcome = 'invalid_body';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

export class PlatformSignatureInvalidError extends WebhookRefusedError {
  readonly code = 'invalid_signature';
  readonly httpStatus = 401;
  readonly outcome: WebhookOutcome;
  constructor(kind: 'unsigned' | 'bad-signature' | 'stale', maxSkewMs: number) {
    super(
      kind === 'unsigned'
        ? 'X-Platform-Timestamp and X-Platform-Signature are required'
        : kind === 'stale'
          ? `X-Platform-Timestamp is more than ${formatDuration(maxSkewMs)} away from now`
          : 'X-Platform-Signature does not match the body and timestamp',
    );
    this.outcome = kind === 'unsigned' ? 'unsigned' : kind === 'stale' ? 'stale' : 'bad_signature';
  }
}

/** Our side cannot take the delivery now (Redis down, cache not loaded): the sender retries on 503. */
export class WebhookUnavailableError extends WebhookRefusedError {
  readonly code = 'unavailable';
  readonly httpStatus = 503;
  readonly outcome = 'unavailable';
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
