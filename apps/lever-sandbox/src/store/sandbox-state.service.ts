import { Inject, Injectable } from '@nestjs/common';
import type { LeverSandboxEnv } from '../config';
import { FaultInjector } from '../control/fault-injector';
import { RequestLog } from '../control/request-log';
import { KeyRateLimiter } from '../lever-api/key-rate-limiter';
import { SANDBOX_ENV } from '../sandbox.tokens';
import { acmeSeed } from '../seed/acme.seed';
import { OAuthStore } from '../oauth/oauth-store';
import { Paginator } from './paginator';
import { SandboxStore } from './sandbox-store';

/** Holds every piece of sandbox state, so one reset() puts it all back to the seed. */
@Injectable()
export class SandboxState {
  readonly store = new SandboxStore();
  readonly paginator = new Paginator();
  readonly faults = new FaultInjector();
  readonly requests = new RequestLog();
  readonly limiter: KeyRateLimiter;
  readonly oauth: OAuthStore;

  constructor(@Inject(SANDBOX_ENV) private readonly env: LeverSandboxEnv) {
    this.limiter = new KeyRateLimiter(env.LEVER_SANDBOX_RATE_PER_SECOND, env.LEVER_SANDBOX_BURST);
    this.oauth = new OAuthStore(() => env.LEVER_SANDBOX_OAUTH_ACCESS_TTL_S);
    this.seed();
  }

  reset(): void {
    this.store.clear();
    this.paginator.clear();
    this.faults.clear();
    this.requests.clear();
    this.limiter.clear();
    this.oauth.clear();
    this.seed();
  }

  private seed(): void {
    this.store.createCompany(
      acmeSeed({
        apiKey: this.env.LEVER_SANDBOX_API_KEY,
        webhookUrl: this.env.LEVER_SANDBOX_WEBHOOK_URL ?? null,
        signatureToken: this.env.LEVER_SANDBOX_SIGNATURE_TOKEN,
        signatureTokens: this.env.acmeSignatureTokens(),
      }),
    );
  }
}
