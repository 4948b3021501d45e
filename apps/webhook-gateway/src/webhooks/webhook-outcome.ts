/** Label values of webhooks_received_total and of the per-webhook log line. */
export type WebhookSource = 'lever' | 'platform';

export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'token_reused'
  | 'ping'
  | 'ignored_event'
  | 'account_disabled'
  | 'unknown_key'
  | 'unsigned'
  | 'bad_signature'
  | 'stale'
  | 'invalid_body'
  | 'body_too_large'
  | 'unavailable'
  | 'error';

/** What a handled webhook answers with a 2xx. */
export interface WebhookAnswer {
  httpStatus: 200 | 202;
  outcome: WebhookOutcome;
  accountId?: string;
  correlationId: string;
  body: { status: 'accepted' | 'duplicate' | 'ok' | 'ignored'; reason?: string };
}
