import { randomUUID } from 'node:crypto';

/** HeldLock of @lever-assess/redis (not imported: see RecordingProducer). */
export interface InMemoryHeldLock {
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/**
 * The semantics of `tryLock` from @lever-assess/redis (SET NX PX, released only with the holder's
 * token) in memory, for code that takes its locks through a `tryLock(key, ttlMs)` provider.
 */
export class InMemoryLocks {
  private readonly held = new Map<string, { token: string; expiresAt: number }>();

  async tryLock(key: string, ttlMs: number): Promise<InMemoryHeldLock | null> {
    if (this.isHeld(key)) return null;
    const token = randomUUID();
    this.held.set(key, { token, expiresAt: Date.now() + ttlMs });
    return {
      assertHeld: async () => {
        if (this.held.get(key)?.token !== token || !this.isHeld(key))
          throw Object.assign(new Error(`Lock ${key} is no longer held`), { code: 'LOCK_LOST', retryable: true, delayJobMs: 0 });
      },
      release: async () => {
        // A lock that expired and was taken by another holder is not ours to release.
        if (this.held.get(key)?.token === token) this.held.delete(key);
      },
    };
  }

  isHeld(key: string): boolean {
    const lock = this.held.get(key);
    return lock !== undefined && lock.expiresAt > Date.now();
  }

  /** Takes `key` away from its holder, as another replica would after the lock expired. */
  takeOver(key: string): void {
    this.held.set(key, { token: 'another-holder', expiresAt: Date.now() + 60_000 });
  }

  /** Keys held now (not expired). */
  heldKeys(): string[] {
    return [...this.held.keys()].filter((key) => this.isHeld(key));
  }
}
