import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from '@lever-assess/testing';
import IORedis from 'ioredis';

/**
 * A redis-server of the test's own (append-only file on, as in production), so a test can stop
 * and restart Redis without touching the machine's shared one on 6379.
 */
export class OwnRedis {
  port = 0;
  private dir = '';
  private child: ChildProcess | null = null;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the server (again, on the same port and files); a no-op while it runs. */
  async start(): Promise<void> {
    if (this.running) return;
    if (!this.port) {
      this.port = await freePort();
      this.dir = mkdtempSync(join(tmpdir(), 'la-faults-redis-'));
    }
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', this.dir],
      {
        stdio: 'ignore',
      },
    );
    await eventually(
      async () => {
        const probe = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } finally {
          probe.disconnect();
        }
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  }

  /** SIGTERM: Redis flushes its append-only file and exits, as on a clean stop or a failover. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
