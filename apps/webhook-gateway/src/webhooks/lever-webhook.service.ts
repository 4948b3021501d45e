import { verifyLeverWebhook } from '@lever-assess/common';
import { AccountStatus } from '@lever-assess/domain';
import { leverEventJobId, type LeverEventJob } from '@lever-assess/queues';
import { Inject, Injectable } from '@nestjs/common';
import { AccountCache } from '../account-cache/account-cache.service';
import { allTokens, tokensForEvent, type CachedAccount } from '../account-cache/cached-account';
import { GATEWAY_ENV, type GatewayEnv } from '../config';
import { isLeverPing, parseLeverEnvelope, parseStageChange, type LeverEnvelope } from './lever-envelope.parser';
import { WebhookEnqueuer } from './webhook-enqueuer';
import type { WebhookAnswer } from './webhook-outcome';
import {
  LeverDeliveryStaleError,
  LeverSignatureInvalidError,
  UnknownWebhookKeyError,
  WebhookRefusedError,
  WebhookUnavailableError,
} from './webhook.errors';

export const STAGE_CHANGE_EVENT = 'candidateStageChange';

/**
 * Takes one Lever delivery: account from the in-memory cache, signature, envelope, then the
 * `lever-events` job. Lever retries anything but a 2xx, so every answer for a delivery that is
 * (or was) accepted is a 2xx, and every refusal is one Lever's admin can act on.
 */
@Injectable()
export class LeverWebhookService {
  constructor(
    private readonly cache: AccountCache,
    private readonly enqueuer: WebhookEnqueuer,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

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
    if (account.status === AccountStatus.Disabled) {
      return ignored(context, 'account_disabled', 'the account is disabled');
    }
    const envelope = parseLeverEnvelope(body);
    // The delivery token follows the trigger through every log line and job (docs/decisions.md).
    if (envelope.token) context.correlationId = envelope.token;
    if (!account.tokens) throw new WebhookUnavailableError("The account's signature token cannot be decrypted; retry later");

    const ping = isLeverPing(envelope);
    // A ping of the stage-change webhook may carry another event name (lever-api.md 3.2), and
    // answering it does nothing, so it may be signed with any of the account's tokens.
    const tokens = ping ? allTokens(account.tokens) : tokensForEvent(account.tokens, envelope.event);
    const check = verifyLeverWebhook(envelope, tokens, { replayWindowMs: this.env.LEVER_REPLAY_WINDOW_MS });
    if (check === 'unsigned' || check === 'bad-signature') throw new LeverSignatureInvalidError(check);
    const token = envelope.token as string;
    const jobId = leverEventJobId({ accountId: account.accountId, deliveryToken: token });
    if (check === 'stale') {
      // A late retry of a delivery we already took must still get its 2xx.
      if (!ping && (await this.enqueuer.leverEventExists(jobId))) return duplicate(context);
      throw new LeverDeliveryStaleError(this.env.LEVER_REPLAY_WINDOW_MS);
    }

    if (ping) return { httpStatus: 200, outcome: 'ping', ...context, body: { status: 'ok' } };
    if (envelope.event !== STAGE_CHANGE_EVENT) {
      return ignored(
        context,
        'ignored_event',
        `event ${envelope.event === undefined ? '(none)' : JSON.stringify(envelope.event)} is not used`,
      );
    }
    const job = this.toJob(account.accountId, envelope, token);
    const result = await this.enqueuer.enqueueLeverEvent(job);
    return result === 'accepted' ? { httpStatus: 202, outcome: 'accepted', ...context, body: { status: 'accepted' } } : duplicate(context);
  }

  private toJob(accountId: string, envelope: LeverEnvelope, token: string): LeverEventJob {
    const change = parseStageChange(envelope.data);
    return {
      accountId,
      ...change,
      triggeredAt: new Date(Number(envelope.triggeredAt)).toISOString(),
      deliveryToken: token,
      correlationId: token,
    };
  }
}

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
