import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AccountCacheModule } from '../account-cache/account-cache.module';
import { LeverWebhookRoute } from './lever-webhook.route';
import { LeverWebhookService } from './lever-webhook.service';
import { PlatformWebhookController } from './platform-webhook.controller';
import { PlatformWebhookService } from './platform-webhook.service';
import { WebhookEnqueuer } from './webhook-enqueuer';
import { WebhookExceptionFilter } from './webhook-exception.filter';
import { WebhookOutcomeRecorder } from './webhook-outcome.recorder';

/**
 * The two inbound webhook routes (Lever's as a plain Fastify route: LeverWebhookRoute). Needs the
 * global QueuesModule (both queues registered, fail-fast), PersistenceModule, ObservabilityModule
 * and GatewayEnvModule imported by the app.
 */
@Module({
  imports: [AccountCacheModule],
  controllers: [PlatformWebhookController],
  providers: [
    LeverWebhookRoute,
    LeverWebhookService,
    PlatformWebhookService,
    WebhookEnqueuer,
    WebhookOutcomeRecorder,
    // Global: framework errors (413, bad JSON) are raised before any controller-scoped filter.
    { provide: APP_FILTER, useClass: WebhookExceptionFilter },
  ],
})
export class WebhooksModule {}
