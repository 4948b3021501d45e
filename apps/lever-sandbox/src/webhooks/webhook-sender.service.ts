import { HttpCallError, httpCall, signLeverWebhook, type AppLogger } from '@lever-assess/common';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { LeverSandboxEnv } from '../config';
import { originMatches } from '../lever-api/api-webhooks';
import { SANDBOX_ENV, SANDBOX_LOGGER } from '../sandbox.tokens';
import type { Company, LeverWebhookEvent, Opportunity } from '../store/sandbox.model';

/** `fromArchived` / `toArchived` of candidateArchiveChange; null = not archived. */
export type ArchivedState = { archivedAt: number; reason: string | null } | null;

const ids = (o: Opportunity) => ({
  opportunityId: o.id,
  // Legacy field; historically equal to the opportunity id.
  candidateId: o.id,
  contactId: o.contactId,
});

export interface WebhookAttempt {
  at: number;
  status?: number;
  error?: string;
}

export interface WebhookDelivery {
  id: string;
  companyId: string;
  event: string;
  url: string;
  /** Set when sent to a webhook created through the API (`POST /v1/webhooks`); absent for the settings webhook. */
  apiWebhookId?: string;
  /** The exact envelope sent (token, triggeredAt, signature, data). */
  body: Record<string, unknown>;
  attempts: WebhookAttempt[];
  state: 'pending' | 'delivered' | 'failed';
}

const DELIVERY_TIMEOUT_MS = 5_000;
const MAX_DELIVERIES_KEPT = 1_000;

/**
 * Sends Lever-style webhooks (lever-api.md 3.2): JSON envelope signed over token + triggeredAt,
 * User-Agent Lever-Webhooks, any non-2xx (redirects included) is a failure, retried with
 * doubling gaps. Sent after the API answered, like Lever.
 */
@Injectable()
export class WebhookSender implements OnModuleDestroy {
  private deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    @Inject(SANDBOX_ENV) private readonly env: LeverSandboxEnv,
    @Inject(SANDBOX_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** triggeredAt is the stage change's updatedAt, so a change placed in the past is reported at that time. */
  stageChanged(
    company: Company,
    opportunity: Opportunity,
    fromStageId: string | null,
    toStageId: string,
    triggeredAt: number,
  ): WebhookDelivery[] {
    return this.send(company, 'candidateStageChange', triggeredAt, { ...ids(opportunity), toStageId, fromStageId }, opportunity.origin);
  }

  archiveChanged(company: Company, opportunity: Opportunity, fromArchived: ArchivedState, toArchived: ArchivedState, triggeredAt: number) {
    return this.send(company, 'candidateArchiveChange', triggeredAt, { ...ids(opportunity), fromArchived, toArchived }, opportunity.origin);
  }

  hired(company: Company, opportunity: Opportunity, triggeredAt: number) {
    return this.send(company, 'candidateHired', triggeredAt, ids(opportunity), opportunity.origin);
  }

  /** No origin: candidateDeleted webhooks take no conditions, so every one gets it. */
  deleted(company: Company, opportunity: Opportunity, deletedBy: string | null, triggeredAt: number) {
    return this.send(company, 'candidateDeleted', triggeredAt, { ...ids(opportunity), deletedBy }, null);
  }

  /**
   * Queues one signed delivery per webhook that takes the event:
   * - the settings page's webhook (`company.webhook`), unless it has no URL or the event is
   *   switched off; signed with the event's own token, else the stage-change token (Lever's older
   *   shared token);
   * - every API webhook (`POST /v1/webhooks`) for the event whose origin conditions, if any, list
   *   the opportunity's origin (`origin` null: no condition applies); signed with its own token.
   * The two kinds are independent (sandbox decision; Lever does not say): API webhooks are not on
   * the settings page and do not follow its URL or `events` switches, and `GET /v1/webhooks` does
   * not list the settings webhook. Each delivery has its own envelope and token and is retried on
   * its own.
   */
  private send(
    company: Company,
    event: LeverWebhookEvent,
    triggeredAt: number,
    data: Record<string, unknown>,
    origin: string | null,
  ): WebhookDelivery[] {
    const deliveries: WebhookDelivery[] = [];
    const { url, events, signatureTokens, signatureToken } = company.webhook;
    if (url && events.includes(event))
      deliveries.push(this.queue(company, event, url, signatureTokens[event] ?? signatureToken, triggeredAt, data));
    for (const webhook of company.apiWebhooks.values()) {
      if (webhook.event !== event || (origin !== null && !originMatches(webhook, origin))) continue;
      deliveries.push(this.queue(company, event, webhook.url, webhook.signatureToken, triggeredAt, data, webhook.id));
    }
    return deliveries;
  }

  private queue(
    company: Company,
    event: LeverWebhookEvent,
    url: string,
    signingToken: string,
    triggeredAt: number,
    data: Record<string, unknown>,
    apiWebhookId?: string,
  ): WebhookDelivery {
    const token = randomBytes(24).toString('hex');
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      companyId: company.id,
      event,
      url,
      ...(apiWebhookId ? { apiWebhookId } : {}),
      body: { triggeredAt, event, data, signature: signLeverWebhook(token, triggeredAt, signingToken), token },
      attempts: [],
      state: 'pending',
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_DELIVERIES_KEPT) this.deliveries.shift();
    this.schedule(delivery, 0);
    return delivery;
  }

  list(companyId?: string): WebhookDelivery[] {
    return this.deliveries.filter((d) => !companyId || d.companyId === companyId);
  }

  reset(): void {
    this.stopAll();
    this.deliveries = [];
  }

  onModuleDestroy(): void {
    this.closed = true; // an attempt cut short by the shutdown must not schedule its retry
    this.stopAll();
  }

  private schedule(delivery: WebhookDelivery, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const abort = new AbortController();
    this.inFlight.add(abort);
    const record: WebhookAttempt = { at: Date.now() };
    try {
      // The product's own keep-alive client rather than fetch: the sandbox shares the bench
      // machine's cores with the product (this cut its CPU by about a third under the throughput
      // load: docs/performance.md, ninth round).
      const res = await httpCall(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Lever-Webhooks' },
        body: JSON.stringify(delivery.body),
        timeoutMs: DELIVERY_TIMEOUT_MS,
        signal: abort.signal,
      });
      record.status = res.status;
    } catch (err) {
      const cutShort = err instanceof HttpCallError && (err.kind === 'timeout' || err.code === 'ABORTED');
      record.error = cutShort ? 'timeout or shutdown' : err instanceof HttpCallError ? (err.code ?? err.message) : String(err);
    } finally {
      this.inFlight.delete(abort);
    }
    delivery.attempts.push(record);
    if (record.status !== undefined && record.status >= 200 && record.status < 300) {
      delivery.state = 'delivered';
      return;
    }
    const retriesDone = delivery.attempts.length - 1;
    if (retriesDone >= this.env.LEVER_SANDBOX_WEBHOOK_RETRIES || this.deliveries.indexOf(delivery) < 0) {
      delivery.state = 'failed';
      this.logger.warn(
        { deliveryId: delivery.id, companyId: delivery.companyId, attempts: delivery.attempts.length },
        'webhook delivery failed',
      );
      return;
    }
    this.schedule(delivery, this.env.LEVER_SANDBOX_WEBHOOK_RETRY_BASE_MS * 2 ** retriesDone);
  }

  private stopAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const a of this.inFlight) a.abort();
  }
}
