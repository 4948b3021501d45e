import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Fields carried by every log line written inside a unit of work (request or job). */
export interface LogContext {
  correlationId: string;
  accountId?: string;
  assessmentId?: string;
  jobId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with a log context; nested calls extend (not replace) the outer context. */
export function withLogContext<T>(context: Partial<LogContext>, fn: () => T): T {
  const outer = storage.getStore();
  const merged: LogContext = { ...outer, ...context, correlationId: context.correlationId ?? outer?.correlationId ?? randomUUID() };
  return storage.run(merged, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}
