import { signLeverWebhook, type AppLogger } from '@lever-assess/common';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { LeverSandboxEnv } from '../config';
import { SANDBOX_ENV, SANDBOX_LOGGER } from '../sandbox.tokens';
import type { Company, Opportunity } from '../store/sandbox.model';

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

  constructor(
    @Inject(SANDBOX_ENV) private readonly env: LeverSandboxEnv,
    @Inject(SANDBOX_LOGGER) private readonly logger: AppLogger,
  ) {}

  stageChanged(company: Company, opportunity: Opportunity, fromStageId: string | null, toStageId: string): WebhookDelivery | null {
    const { url, signatureToken } = company.webhook;
    if (!url) return null;
    const triggeredAt = Date.now();
    const token = randomBytes(24).toString('hex');
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      companyId: company.id,
      event: 'candidateStageChange',
      url,
      body: {
        triggeredAt,
        event: 'candidateStageChange',
        data: {
          opportunityId: opportunity.id,
          // Legacy field; historically equal to the opportunity id.
          candidateId: opportunity.id,
          contactId: opportunity.contactId,
          toStageId,
          fromStageId,
        },
        signature: signLeverWebhook(token, triggeredAt, signatureToken),
        token,
      },
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
    this.stopAll();
  }

  private schedule(delivery: WebhookDelivery, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), DELIVERY_TIMEOUT_MS);
    this.inFlight.add(abort);
    const record: WebhookAttempt = { at: Date.now() };
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Lever-Webhooks' },
        body: JSON.stringify(delivery.body),
        redirect: 'manual',
        signal: abort.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      record.status = res.status;
    } catch (err) {
      record.error = abort.signal.aborted ? 'timeout or shutdown' : ((err as { cause?: { code?: string } })?.cause?.code ?? String(err));
    } finally {
      clearTimeout(timeout);
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
