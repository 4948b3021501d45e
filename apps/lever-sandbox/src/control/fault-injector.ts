/** A fault applied to the next `remaining` Lever responses of one key. */
export interface FaultSpec {
  /** Answer this status instead of the real response (e.g. 500, 503, 429). */
  status?: number;
  /** Retry-After header value sent with the fault (seconds or an HTTP date). */
  retryAfter?: string;
  /** Wait this long before answering (provokes client timeouts). */
  delayMs?: number;
  remaining: number;
  /** Requests of the key answered normally before this fault starts (a failure halfway through a series). */
  skip?: number;
}

/** Faults queued per key id, consumed in order, one per request. */
export class FaultInjector {
  private readonly faults = new Map<string, FaultSpec[]>();

  add(keyId: string, fault: FaultSpec): void {
    const list = this.faults.get(keyId) ?? [];
    list.push({ ...fault });
    this.faults.set(keyId, list);
  }

  /** The fault for this request, if any; decrements its remaining count. */
  next(keyId: string): FaultSpec | undefined {
    const list = this.faults.get(keyId);
    const head = list?.[0];
    if (!list || !head) return undefined;
    if (head.skip) {
      head.skip -= 1;
      return undefined;
    }
    head.remaining -= 1;
    if (head.remaining <= 0) list.shift();
    return head;
  }

  pending(keyId: string): FaultSpec[] {
    return (this.faults.get(keyId) ?? []).map((f) => ({ ...f }));
  }

  clear(keyId?: string): void {
    if (keyId) this.faults.delete(keyId);
    else this.faults.clear();
  }
}
