import { ObservabilityModule } from '@lever-assess/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { CallbackSender } from './callbacks/callback-sender';
import { SANDBOX_ENV, type PlatformSandboxEnv } from './config';
import { SandboxControlController } from './control/sandbox-control.controller';
import { InvitationsController } from './invitations/invitations.controller';
import { InvitationStore } from './invitations/invitation.store';
import { TestsController } from './invitations/tests.controller';
import { AutoCompleter } from './lifecycle/auto-completer';
import { InvitationLifecycle } from './lifecycle/invitation-lifecycle.service';
import { PagesController } from './pages/pages.controller';
import { ApiKeyGuard } from './traffic/api-key.guard';
import { ConnectionReaper } from './traffic/connection-reaper';
import { SandboxTraffic } from './traffic/sandbox-traffic.service';
import { TrafficGuard } from './traffic/traffic.guard';

@Module({})
export class AppModule {
  static forRoot(env: PlatformSandboxEnv): DynamicModule {
    return {
      module: AppModule,
      // Health (/health/live, /health/ready) and /metrics; the sandbox has no dependencies to check.
      imports: [ObservabilityModule],
      controllers: [TestsController, InvitationsController, SandboxControlController, PagesController],
      providers: [
        { provide: SANDBOX_ENV, useValue: env },
        InvitationStore,
        SandboxTraffic,
        CallbackSender,
        InvitationLifecycle,
        AutoCompleter,
        TrafficGuard,
        ApiKeyGuard,
        ConnectionReaper,
      ],
    };
  }
}
