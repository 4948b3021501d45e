import type { LoggerService } from '@nestjs/common';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';
import { currentLogContext } from './correlation';
import { redactSecrets } from './redact';

export type AppLogger = Logger;

/**
 * JSON logger for one service. Every line carries `service`, the current correlation context
 * (correlationId, accountId, assessmentId, jobId) and has secret-looking keys redacted. Lines go
 * to `destination`, else to the file named by LOG_FILE, else to stdout.
 */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): AppLogger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      mixin: () => ({ ...currentLogContext() }),
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactSecrets(obj) as Record<string, unknown>,
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? defaultDestination(),
  );
}

function defaultDestination(): DestinationStream {
  // Tests set LOG_FILE so that apps they run in-process do not write to the terminal.
  const file = process.env.LOG_FILE;
  if (file) return appendingFile(file);
  return sharedStdout();
}

/** Flush period of the buffered stdout: how late a log line may appear. */
const STDOUT_FLUSH_MS = 250;
let stdout: ReturnType<typeof pino.destination> | undefined;

/**
 * stdout, buffered: one write per 4 KB instead of a write (a syscall, blocking the event loop) per
 * line, which measurably cost the gateway throughput (docs/performance.md). Flushed every 250 ms,
 * and synchronously when the process exits (a fatal start-up error, the end of a shutdown), so
 * only a SIGKILL can lose the last 250 ms of lines. One per process, shared by every logger.
 */
/**
 * Writes out the buffered log lines now. Called as the app finishes shutting down: Nest then
 * re-raises the signal, and a process ended by a signal runs no 'exit' handler.
 */
export function flushLogs(): void {
  try {
    stdout?.flushSync();
  } catch {
    // A write still in flight: its lines go out with it.
  }
}

function sharedStdout(): ReturnType<typeof pino.destination> {
  if (stdout) return stdout;
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => dest.flush(), STDOUT_FLUSH_MS).unref();
  stdout = dest;
  process.once('exit', flushLogs);
  return dest;
}

/** Appends each line synchronously; opening the file per line leaves no descriptor behind. */
function appendingFile(file: string): DestinationStream {
  mkdirSync(dirname(file), { recursive: true });
  return { write: (line: string) => appendFileSync(file, line) };
}

/** Adapts pino to Nest's LoggerService so framework logs are JSON too. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: AppLogger) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]) {
    // Checked first: a line below the level must not cost the object spreads below (the gateway
    // logs one line per webhook, and runs at `warn` where that line is dropped).
    if (!this.logger.isLevelEnabled(level)) return;
    // Nest passes (message, context), errors (message, stack, context); our code also logs
    // (fields, 'text', context) through a Nest Logger. The last string is always the context.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const extra = typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
    const fields: Record<string, unknown> = { context };
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, extra ?? message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message }, extra);
    } else {
      if (extra) fields.stack = extra;
      this.logger[level](fields, String(message));
    }
  }
}
