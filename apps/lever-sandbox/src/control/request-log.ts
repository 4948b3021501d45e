/** Status recorded when the client closed the connection before the answer (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = 499;

/** One Lever API request as the sandbox received it. */
export interface RequestLogEntry {
  /** Arrival time, ms since epoch. */
  at: number;
  /** Known once authentication ran; null for requests without a known key. */
  keyId: string | null;
  method: string;
  /** Templated route ("/v1/opportunities/:id"). */
  route: string;
  path: string;
  /** Null while the request is in flight. */
  status: number | null;
  ms: number | null;
  performAs: string | null;
}

const MAX_ENTRIES = 100_000;

/** The request log tests read to count requests per key and per second. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries = this.entries.slice(-MAX_ENTRIES / 2);
  }

  list(filter: { keyId?: string; since?: number } = {}): RequestLogEntry[] {
    return this.entries.filter((e) => (!filter.keyId || e.keyId === filter.keyId) && (!filter.since || e.at >= filter.since));
  }

  /** Counts per status and the largest number of requests that arrived within any 1 s window. */
  stats(keyId: string): { total: number; byStatus: Record<string, number>; maxPerSecond: number } {
    const list = this.list({ keyId });
    const byStatus: Record<string, number> = {};
    for (const e of list) {
      const status = e.status === null ? 'in-flight' : String(e.status);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
    return {
      total: list.length,
      byStatus,
      maxPerSecond: maxInWindow(
        list.map((e) => e.at),
        1000,
      ),
    };
  }

  clear(): void {
    this.entries = [];
  }
}

/** Largest count of timestamps inside any half-open window [t, t + windowMs). */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
