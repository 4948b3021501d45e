import { LEVER_MAX_FUTURE_SKEW_MS, verifyLeverWebhook } from '@lever-assess/common';
import { AccountStatus, LeverEventName, isLeverLifecycleEvent, type LeverLifecycleEventName } from '@lever-assess/domain';
import { leverEventJobId, type LeverEventJob, type LeverEventsJob } from '@lever-assess/queues';
import { Inject, Injectable } from '@nestjs/common';
import { hash } from 'node:crypto';
import { AccountCache } from '../account-cache/account-cache.service';
import { allTokens, tokensForEvent, type CachedAccount } from '../account-cache/cached-account';
import { GATEWAY_ENV, type GatewayEnv } from '../config';
import {
  isLeverPing,
  parseLeverEnvelope,
  parseLifecycleChange,
  parseStageChange,
  type LeverEnvelope,
  type LifecycleChange,
  type StageChange,
} from './lever-envelope.parser';
import { WebhookEnqueuer } from './webhook-enqueuer';
import type { WebhookAnswer } from './webhook-outcome';
import {
  LeverDeliveryStaleError,
  LeverSignatureInvalidError,
  UnknownWebhookKeyError,
  WebhookRefusedError,
  WebhookUnavailableError,
} from './webhook.errors';

export const STAGE_CHANGE_EVENT = LeverEventName.StageChange;

/**
 * Takes one Lever delivery: account from the in-memory cache, envelope, signature, the token
 * recorded, then the `lever-events` job. Lever retries anything but a 2xx, so every answer for a
 * delivery that is (or was) accepted is a 2xx, and every refusal is one Lever's admin can act on.
 *
 * Lever signs only `token + triggeredAt`, so every verified token is recorded in Redis with a
 * fingerprint of the unsigned rest (event and data) for the replay window: a captured ping or
 * ignored event cannot be sent again as a stage change with forged data, while a genuine retry
 * (same token, same event and data) is answered as before.
 */
@Injectable()
export class LeverWebhookService {
  /** A recorded token must outlive every triggeredAt the signature check still accepts. */
  private readonly tokenTtlMs: number;

  constructor(
    private readonly cache: AccountCache,
    private readonly enqueuer: WebhookEnqueuer,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {
    this.tokenTtlMs = env.LEVER_REPLAY_WINDOW_MS + LEVER_MAX_FUTURE_SKEW_MS;
  }

  /**
   * @param requestId correlation id for deliveries without a usable token
   * @throws WebhookRefusedError (401, 400, 503) carrying what is known for the log line
   */
  async receive(webhookKey: string, body: unknown, requestId: string): Promise<WebhookAnswer> {
    // Before the first load every key would look unknown; a 503 makes Lever retry instead.
    if (!this.cache.isLoaded) throw new WebhookUnavailableError('The gateway is starting; retry later').about({ correlationId: requestId });
    const account = this.cache.get(webhookKey);
    if (!account) throw new UnknownWebhookKeyError().about({ correlationId: requestId });
    const context = { accountId: account.accountId, correlationId: requestId };
    try {
      return await this.receiveFor(account, body, context);
    } catch (err) {
      // `context` holds the delivery token as correlation id once the envelope was read.
      if (err instanceof WebhookRefusedError) err.about(context);
      throw err;
    }
  }

  private async receiveFor(
    account: CachedAccount,
    body: unknown,
    context: { accountId: string; correlationId: string },
  ): Promise<WebhookAnswer> {
    const envelope = parseLeverEnvelope(body);
    // The delivery token follows the trigger through every log line and job (docs/decisions.md).
    if (envelope.token) context.correlationId = envelope.token;
    if (!account.tokens) throw new WebhookUnavailableError("The account's signature token cannot be decrypted; retry later");

    // The signature is checked first, whatever the account's status: an unsigned request gets
    // nothing but a 401, not even whether the account is disabled.
    const ping = isLeverPing(envelope);
    // A ping of the stage-change webhook may carry another event name (lever-api.md 3.2), and
    // answering it does nothing, so it may be signed with any of the account's tokens.
    const tokens = ping ? allTokens(account.tokens) : tokensForEvent(account.tokens, envelope.event);
    // Created to have its webhooks registered, and no sync has stored a token yet.
    if (tokens.length === 0) throw new LeverSignatureInvalidError('no-token');
    const check = verifyLeverWebhook(envelope, tokens, { replayWindowMs: this.env.LEVER_REPLAY_WINDOW_MS });
    if (check === 'unsigned' || check === 'bad-signature') throw new LeverSignatureInvalidError(check);
    const token = envelope.token as string;
    if (check === 'stale') {
      // A late retry of a delivery we already took must still get its 2xx.
      const jobId = leverEventJobId({ accountId: account.accountId, deliveryToken: token });
      if (!ping && (await this.enqueuer.leverEventExists(jobId))) return duplicate(context);
      throw new LeverDeliveryStaleError(this.env.LEVER_REPLAY_WINDOW_MS);
    }

    const stageChange = !ping && envelope.event === STAGE_CHANGE_EVENT ? parseStageChange(envelope.data) : null;
    const lifecycle = !ping && isLeverLifecycleEvent(envelope.event) ? parseLifecycleChange(envelope.data) : null;
    // Recorded before answering, whatever the answer: the token of a ping, an ignored event or a
    // disabled account's delivery cannot come back later as something else.
    const use = await this.enqueuer.recordLeverToken(account.accountId, token, deliveryFingerprint(envelope), this.tokenTtlMs);
    if (use === 'reused') {
      return {
        httpStatus: 200,
        outcome: 'token_reused',
        ...context,
        body: { status: 'duplicate', reason: 'this delivery token was already used by a delivery with another event or data' },
      };
    }
    if (account.status === AccountStatus.Disabled) return ignored(context, 'account_disabled', 'the account is disabled');
    if (ping) return { httpStatus: 200, outcome: 'ping', ...context, body: { status: 'ok' } };
    if (lifecycle?.unarchived) return ignored(context, 'ignored_event', 'the candidate was unarchived: nothing is sent');
    if (!stageChange && !lifecycle) {
      return ignored(
        context,
        'ignored_event',
        `event ${envelope.event === undefined ? '(none)' : JSON.stringify(envelope.event)} is not used`,
      );
    }
    const job = stageChange
      ? toJob(account.accountId, stageChange, envelope, token)
      : toLifecycleJob(account.accountId, envelope.event as LeverLifecycleEventName, lifecycle as LifecycleChange, envelope, token);
    const result = await this.enqueuer.enqueueLeverEvent(job, { tokenIsNew: use === 'first' });
    return result === 'accepted' ? { httpStatus: 202, outcome: 'accepted', ...context, body: { status: 'accepted' } } : duplicate(context);
  }
}

function toJob(accountId: string, change: StageChange, envelope: LeverEnvelope, token: string): LeverEventJob {
  return {
    accountId,
    ...change,
    triggeredAt: new Date(Number(envelope.triggeredAt)).toISOString(),
    deliveryToken: token,
    correlationId: token,
  };
}

function toLifecycleJob(
  accountId: string,
  event: LeverLifecycleEventName,
  change: LifecycleChange,
  envelope: LeverEnvelope,
  token: string,
): LeverEventsJob {
  return {
    event,
    accountId,
    opportunityId: change.opportunityId,
    candidateId: change.candidateId,
    triggeredAt: new Date(Number(envelope.triggeredAt)).toISOString(),
    deliveryToken: token,
    correlationId: token,
  };
}

/**
 * The unsigned part of a delivery (event and data), hashed: a retry of the same delivery has the
 * same one. Object keys are sorted, so a retry serialised in another key order still matches.
 */
export function deliveryFingerprint(envelope: Pick<LeverEnvelope, 'event' | 'data'>): string {
  return hash('sha256', `[${JSON.stringify(envelope.event ?? null)},${canonicalJson(envelope.data)}]`, 'base64url').slice(0, 22);
}

/**
 * JSON with every object's keys sorted, written in one pass: the same text as JSON.stringify of a
 * key-sorted copy (what earlier versions recorded), for values from JSON.parse. That copy lists
 * array-index keys ("0", "1", ...) first, ascending, as every JS object does, then the rest sorted.
 */
function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  // Object.keys already lists the array-index keys first and ascending: only the rest is sorted.
  const keys = Object.keys(object);
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys] as string)) indexKeys++;
  const ordered = keys.slice(0, indexKeys).concat(keys.slice(indexKeys).sort());
  let text = '';
  for (const key of ordered) {
    if (object[key] === undefined) continue; // as JSON.stringify does
    text += `${text ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(object[key])}`;
  }
  return `{${text}}`;
}

const isArrayIndex = (key: string) => /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4_294_967_295;

function ignored(
  context: { accountId: string; correlationId: string },
  outcome: 'account_disabled' | 'ignored_event',
  reason: string,
): WebhookAnswer {
  return { httpStatus: 200, outcome, ...context, body: { status: 'ignored', reason } };
}

function duplicate(context: { accountId: string; correlationId: string }): WebhookAnswer {
  return { httpStatus: 200, outcome: 'duplicate', ...context, body: { status: 'duplicate' } };
}
