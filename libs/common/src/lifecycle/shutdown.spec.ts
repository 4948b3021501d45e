import { ShuttingDownError, beginShutdown, isShuttingDown, pause, resetShutdownForTests } from './shutdown';

describe('shutdown-aware pause', () => {
  afterEach(() => resetShutdownForTests());

  it('waits when the process is not shutting down', async () => {
    const started = Date.now();
    await pause(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('cuts a wait short when shutdown begins, with ShuttingDownError', async () => {
    const started = Date.now();
    const waiting = pause(10_000);
    setTimeout(beginShutdown, 20);
    await expect(waiting).rejects.toBeInstanceOf(ShuttingDownError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(isShuttingDown()).toBe(true);
  });

  it('refuses to start a wait once shutting down, but lets work that needs no wait go on', async () => {
    beginShutdown();
    await expect(pause(5)).rejects.toMatchObject({ code: 'SHUTTING_DOWN', retryable: true, delayJobMs: 0 });
    await expect(pause(0)).resolves.toBeUndefined();
  });
});
