/**
 * What inOneWrite reads of a client. An ioredis client has all of it: its socket, and the commands
 * that await a reply (written, in order), which are not in its typed API. A client without them (a
 * cluster, another adapter) is left alone.
 */
interface ClientInternals {
  readonly status?: string;
  readonly stream?: { cork?: unknown; uncork?: unknown };
  readonly commandQueue?: { length: number };
}

/**
 * How long the socket may stay corked waiting for the announced commands: BullMQ's `add` writes
 * its command in the first microtask after the call (measured with bullmq 6.7); a command that has
 * not been written by then is sent on its own when the socket is uncorked.
 */
const ONE_WRITE_MAX_MICROTASKS = 10;

/**
 * Runs `issue`, which starts `commands` commands on `client`, with the client's socket corked until
 * they have all been written (or ONE_WRITE_MAX_MICROTASKS have passed): they leave in one socket
 * write. The client makes one system call instead of one per command, and Redis reads them in one
 * go. Under a burst of webhooks this cut the gateway's CPU per request by about 6% (fifteenth
 * round in docs/performance.md).
 *
 * Not an ioredis pipeline: every pipeline defines a getter closure on itself, which keeps it and all
 * its commands alive past the young generation (fourteenth round). The commands stay independent:
 * each gets its own reply or error. Nothing is held for longer than this turn's microtasks, so the
 * socket is never left corked; while the client is not connected `issue` just runs.
 */
export function inOneWrite<T>(client: object, commands: number, issue: () => T): T {
  const internals = client as ClientInternals;
  const stream = internals.status === 'ready' ? internals.stream : undefined;
  const written = () => internals.commandQueue?.length;
  const before = written();
  if (typeof stream?.cork !== 'function' || typeof stream.uncork !== 'function' || before === undefined || commands < 2) {
    return issue();
  }
  const corked = stream as { cork(): void; uncork(): void };
  const target = before + commands;
  corked.cork();
  let microtasks = 0;
  const uncorkOnceWritten = () => {
    if ((written() ?? target) >= target || ++microtasks >= ONE_WRITE_MAX_MICROTASKS) corked.uncork();
    else queueMicrotask(uncorkOnceWritten);
  };
  try {
    return issue();
  } finally {
    queueMicrotask(uncorkOnceWritten);
  }
}
