import { counter } from '@lever-assess/common';
import { Injectable, Logger } from '@nestjs/common';
import type { WebhookOutcome, WebhookSource } from './webhook-outcome';

const received = counter('webhooks_received_total', 'Webhooks received, by source and outcome', ['source', 'outcome'] as const);

export interface WebhookRecord {
  source: WebhookSource;
  outcome: WebhookOutcome;
  httpStatus: number;
  accountId?: string;
  correlationId?: string;
  /** Why it was refused or ignored, in plain words (never a secret or a body). */
  reason?: string;
  err?: unknown;
}

/** One log line and one metric increment per webhook, whatever its outcome. */
@Injectable()
export class WebhookOutcomeRecorder {
  private readonly logger = new Logger('Webhooks');

  record({ source, outcome, httpStatus, accountId, correlationId, reason, err }: WebhookRecord): void {
    received.inc({ source, outcome });
    const line = { msg: `${source} webhook ${outcome}`, source, outcome, status: httpStatus, accountId, correlationId, reason, err };
    if (httpStatus >= 500) this.logger.error(line);
    // A reused token is answered 2xx (nothing is done) but is worth a look: a replay attempt.
    else if (httpStatus >= 400 || outcome === 'token_reused') this.logger.warn(line);
    else this.logger.log(line);
  }
}
