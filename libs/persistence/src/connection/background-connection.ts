import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** How often PersistenceModule's background connection tries again while PostgreSQL is unreachable. */
export const BACKGROUND_CONNECT_RETRY_MS = Symbol('BACKGROUND_CONNECT_RETRY_MS');

/**
 * Whether the app's PostgreSQL connection is up. Always provided by PersistenceModule; it matters
 * to apps built with `connectInBackground`, whose repositories fail until the connection is made.
 */
@Injectable()
export class DatabaseConnection {
  constructor(private readonly dataSource: DataSource) {}

  get isConnected(): boolean {
    return this.dataSource.isInitialized;
  }
}

/**
 * For apps that must start while PostgreSQL is down (PersistenceModule `connectInBackground`):
 * the DataSource is not connected by TypeORM at start-up (which would retry, then fail the
 * bootstrap) but here. The first attempt is awaited during start-up (bounded by the connect
 * timeout), so an app whose PostgreSQL answers starts connected exactly as without the option;
 * after a failure the app starts anyway and the connection is retried in the background until
 * it is made (or the app stops).
 */
@Injectable()
export class BackgroundConnection implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PostgresConnection');
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> = Promise.resolve();
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(BACKGROUND_CONNECT_RETRY_MS) private readonly retryMs: number,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  /** Before TypeORM's own shutdown hook, which closes the connection once it exists. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.attempt;
  }

  private connect(): Promise<void> {
    this.attempt = this.dataSource.initialize().then(
      () => {
        if (this.failures > 0) this.logger.log({ msg: 'connected to PostgreSQL', attempts: this.failures + 1 });
      },
      (err: unknown) => {
        this.failures++;
        // The first failure, then one line a minute or so: an outage must not flood the log.
        if (this.failures === 1 || this.failures % Math.max(1, Math.round(60_000 / this.retryMs)) === 0) {
          this.logger.warn({
            msg: `PostgreSQL unreachable; retrying every ${this.retryMs} ms in the background`,
            attempts: this.failures,
            err,
          });
        }
        this.schedule();
      },
    );
    return this.attempt;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    // The timer alone must not keep the process (or a test) alive.
    this.timer.unref();
  }
}
