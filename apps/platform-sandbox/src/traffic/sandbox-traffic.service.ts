import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Which /v1 requests a fault applies to: `create` = POST /v1/invitations only,
 * `invitations` = every /v1/invitations route, `all` = every /v1 route (tests too).
 */
export const FAULT_MATCHES = ['create', 'invitations', 'all'] as const;
export type FaultMatch = (typeof FAULT_MATCHES)[number];

export interface FaultSpec {
  /** Answer this status instead of serving the request. */
  status?: number;
  /** Wait this long first (then serve, or answer `status`): lets client timeouts fire. */
  delayMs?: number;
  /** Sent as Retry-After with `status`. */
  retryAfterSeconds?: number;
  match: FaultMatch;
  /** How many matching requests this fault still affects. */
  remaining: number;
}

/** Counts /v1 requests per route and hands out injected faults (POST /_sandbox/faults). */
@Injectable()
export class SandboxTraffic implements OnModuleDestroy {
  private readonly counts = new Map<string, number>();
  private faults: FaultSpec[] = [];
  private stop = new AbortController();

  addFault(fault: FaultSpec): FaultSpec {
    this.faults.push(fault);
    return fault;
  }

  listFaults(): FaultSpec[] {
    return this.faults;
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Records one request to `routeKey` (`POST /v1/invitations`) and takes the fault it must suffer, if any. */
  enter(routeKey: string): FaultSpec | undefined {
    this.counts.set(routeKey, (this.counts.get(routeKey) ?? 0) + 1);
    const fault = this.faults.find((f) => f.remaining > 0 && matches(f.match, routeKey));
    if (!fault) return undefined;
    fault.remaining--;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return { ...fault };
  }

  /** Sleeps for an injected delay; a reset or shutdown cuts it short (rejects). */
  delay(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.stop.signal });
  }

  clear(): void {
    this.counts.clear();
    this.faults = [];
    this.stop.abort();
    this.stop = new AbortController();
  }

  onModuleDestroy(): void {
    this.stop.abort();
  }
}

function matches(match: FaultMatch, routeKey: string): boolean {
  if (match === 'all') return true;
  if (match === 'create') return routeKey === 'POST /v1/invitations';
  return routeKey.includes('/v1/invitations');
}
