import { randomUUID } from 'node:crypto';

/** HeldLock of @lever-assess/redis (not imported: see RecordingProducer). */
export interface InMemoryHeldLock {
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

  /** Keys held now (not expired). */
  heldKeys(): string[] {
    return [...this.held.keys()].filter((key) => this.isHeld(key));
  }
}
