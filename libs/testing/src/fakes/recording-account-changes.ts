/**
 * AccountChangesPublisher (@lever-assess/redis) that keeps the announced account ids instead of
 * publishing them. Pass it with `standIn<AccountChangesPublisher>(changes)` (see RecordingProducer
 * for why this lib does not import the real class).
 */
export class RecordingAccountChanges {
  readonly announced: string[] = [];

  async announce(accountId: string): Promise<void> {
    this.announced.push(accountId);
  }
}
