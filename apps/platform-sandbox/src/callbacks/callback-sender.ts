import { PLATFORM_SIGNATURE_HEADER, PLATFORM_TIMESTAMP_HEADER, signPlatformPayload } from '@lever-assess/common';
import type { PlatformCallbackEvent } from '@lever-assess/platform-client';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_ENV, type PlatformSandboxEnv } from '../config';

/** held = recorded but not sent (`send: false`), waiting for a replay. */
export type CallbackState = 'held' | 'pending' | 'delivered' | 'failed';

export interface CallbackDelivery {
  at: string;
  /** The X-Platform-Timestamp sent (a replay may send an old one on purpose). */
  timestampMs: number;
  /** The receiver's HTTP status; null when no answer arrived. */
  status: number | null;
  error?: string;
  replay: boolean;
}

export interface CallbackRecord {
  id: string;
  type: PlatformCallbackEvent['type'];
  invitationId: string;
  state: CallbackState;
  event: PlatformCallbackEvent;
  deliveries: CallbackDelivery[];
}

/**
 * Sends signed callbacks (DESIGN.md: body {id,type,data}; X-Platform-Timestamp in ms and
 * X-Platform-Signature over `timestamp + "." + raw body`) and retries failed deliveries with
 * exponential backoff, as a real platform would. Every attempt is recorded for /_sandbox/callbacks.
 */
@Injectable()
export class CallbackSender implements OnModuleDestroy {
  private readonly logger = new Logger(CallbackSender.name);
  private records: CallbackRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private stop = new AbortController();

  constructor(@Inject(SANDBOX_ENV) private readonly env: PlatformSandboxEnv) {}

  /** Records an event; unless `send` is false, delivery starts in the background. */
  emit(event: PlatformCallbackEvent, { send = true } = {}): CallbackRecord {
    const record: CallbackRecord = {
      id: event.id,
      type: event.type,
      invitationId: event.data.invitationId,
      state: send ? 'pending' : 'held',
      event,
      deliveries: [],
    };
    this.records.push(record);
    if (send) this.track(this.deliverWithRetries(record, this.stop.signal));
    return record;
  }

  /**
   * Sends a recorded event again, once, and waits for the answer: lets tests deliver events out
   * of order or with an old timestamp (`timestampMs`) to exercise the receiver's checks.
   */
  async replay(id: string, timestampMs?: number): Promise<CallbackDelivery | undefined> {
    const record = this.records.find((r) => r.id === id);
    if (!record) return undefined;
    const delivery = await this.attempt(record, this.stop.signal, timestampMs ?? Date.now(), true);
    if (isSuccess(delivery.status)) record.state = 'delivered';
    else if (record.state !== 'delivered') record.state = 'failed';
    return delivery;
  }

  list(): CallbackRecord[] {
    return this.records;
  }

  /** Resolves once every background delivery has finished (delivered, failed or aborted). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  clear(): void {
    this.stop.abort();
    this.stop = new AbortController();
    this.records = [];
  }

  async onModuleDestroy(): Promise<void> {
    this.stop.abort();
    await this.idle();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    // The outcome is recorded on the callback; a rejection must not become an unhandled one.
    void work.catch(() => undefined).finally(() => this.inFlight.delete(work));
  }

  private async deliverWithRetries(record: CallbackRecord, stop: AbortSignal): Promise<void> {
    for (let attempt = 1; attempt <= this.env.CALLBACK_MAX_ATTEMPTS && !stop.aborted; attempt++) {
      const delivery = await this.attempt(record, stop, Date.now(), false);
      if (isSuccess(delivery.status)) {
        record.state = 'delivered';
        return;
      }
      if (!isRetryable(delivery.status) || attempt === this.env.CALLBACK_MAX_ATTEMPTS) break;
      try {
        await sleep(this.env.CALLBACK_RETRY_BASE_MS * 2 ** (attempt - 1), undefined, { signal: stop });
      } catch {
        break; // reset or shutdown
      }
    }
    if (record.state !== 'delivered') record.state = 'failed';
    const last = record.deliveries[record.deliveries.length - 1];
    // Nest's Logger takes a trailing string as the context, so the message travels as `msg`.
    this.logger.warn({
      msg: 'callback not delivered',
      eventId: record.id,
      type: record.type,
      invitationId: record.invitationId,
      status: last?.status,
      attempts: record.deliveries.length,
    });
  }

  private async attempt(record: CallbackRecord, stop: AbortSignal, timestampMs: number, replay: boolean): Promise<CallbackDelivery> {
    const raw = JSON.stringify(record.event);
    const delivery: CallbackDelivery = { at: new Date().toISOString(), timestampMs, status: null, replay };
    try {
      const res = await fetch(this.env.PLATFORM_CALLBACK_URL, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [PLATFORM_TIMESTAMP_HEADER]: String(timestampMs),
          [PLATFORM_SIGNATURE_HEADER]: signPlatformPayload(raw, timestampMs, this.env.PLATFORM_WEBHOOK_SECRET),
        },
        body: raw,
        signal: AbortSignal.any([stop, AbortSignal.timeout(this.env.CALLBACK_TIMEOUT_MS)]),
      });
      await res.arrayBuffer(); // drain so the connection is reused
      delivery.status = res.status;
    } catch (err) {
      delivery.error = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? err.name) : String(err);
    }
    record.deliveries.push(delivery);
    this.logger.log({
      msg: 'callback attempt',
      eventId: record.id,
      type: record.type,
      invitationId: record.invitationId,
      status: delivery.status,
      error: delivery.error,
      replay,
    });
    return delivery;
  }
}

const isSuccess = (status: number | null) => status !== null && status >= 200 && status < 300;
// No answer, 408, 429 and 5xx may pass on a later try; another 4xx is the receiver's final word.
const isRetryable = (status: number | null) => status === null || status === 408 || status === 429 || status >= 500;
