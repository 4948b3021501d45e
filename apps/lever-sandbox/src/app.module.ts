import { ObservabilityModule, type AppLogger } from '@lever-assess/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { LeverSandboxEnv } from './config';
import { RequestLogHook } from './control/request-log.hook';
import { SandboxControlController } from './control/sandbox-control.controller';
import { LeverApiGuard } from './lever-api/lever-api.guard';
import { LeverDataService } from './lever-api/lever-data.service';
import { LeverErrorFilter } from './lever-api/lever-error.filter';
import { OpportunitiesController } from './lever-api/opportunities.controller';
import { ReferenceDataController } from './lever-api/reference-data.controller';
import { WebhooksController } from './lever-api/webhooks.controller';
import { OAuthController } from './oauth/oauth.controller';
import { SANDBOX_ENV, SANDBOX_LOGGER } from './sandbox.tokens';
import { SandboxState } from './store/sandbox-state.service';
import { WebhookSender } from './webhooks/webhook-sender.service';

@Module({})
export class AppModule {
  static forRoot(env: LeverSandboxEnv, logger: AppLogger): DynamicModule {
    return {
      module: AppModule,
      // /health/live, /health/ready (no dependencies to check) and /metrics.
      imports: [ObservabilityModule],
      controllers: [OpportunitiesController, ReferenceDataController, WebhooksController, SandboxControlController, OAuthController],
      providers: [
        { provide: SANDBOX_ENV, useValue: env },
        { provide: SANDBOX_LOGGER, useValue: logger },
        { provide: APP_FILTER, useClass: LeverErrorFilter },
        SandboxState,
        WebhookSender,
        LeverDataService,
        LeverApiGuard,
        RequestLogHook,
      ],
    };
  }
}
