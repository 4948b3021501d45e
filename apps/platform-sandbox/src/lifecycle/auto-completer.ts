import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { SANDBOX_ENV, type PlatformSandboxEnv } from '../config';
import { InvitationStore } from '../invitations/invitation.store';
import { deterministicScore } from './deterministic-score';
import { InvitationLifecycle } from './invitation-lifecycle.service';

/**
 * Demo mode (AUTO_COMPLETE_AFTER_MS > 0): every new invitation completes after that delay and is
 * scored shortly after (half the delay, 50 ms to 5 s) with a deterministic score. An invitation
 * moved on meanwhile (canceled, expired, completed by hand) is left alone.
 */
@Injectable()
export class AutoCompleter implements OnModuleDestroy {
  private readonly logger = new Logger(AutoCompleter.name);
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    @Inject(SANDBOX_ENV) private readonly env: PlatformSandboxEnv,
    private readonly store: InvitationStore,
    private readonly lifecycle: InvitationLifecycle,
  ) {}

  schedule(invitationId: string): void {
    const delayMs = this.env.AUTO_COMPLETE_AFTER_MS;
    if (delayMs <= 0) return;
    const scoreAfterMs = Math.min(5_000, Math.max(50, Math.round(delayMs / 2)));
    this.later(
      delayMs,
      () => {
        if (this.store.get(invitationId)?.status !== 'sent') return;
        this.lifecycle.complete(invitationId);
        this.later(
          scoreAfterMs,
          () => {
            if (this.store.get(invitationId)?.status !== 'completed') return;
            this.lifecycle.score(invitationId, deterministicScore(invitationId), undefined);
          },
          invitationId,
        );
      },
      invitationId,
    );
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  onModuleDestroy(): void {
    this.clear();
  }

  private later(ms: number, fn: () => void, invitationId: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        fn();
      } catch (err) {
        this.logger.warn({ msg: 'auto-complete step skipped', invitationId, err });
      }
    }, ms);
    this.timers.add(timer);
  }
}
