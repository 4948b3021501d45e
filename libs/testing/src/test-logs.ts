import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const WORKSPACE_ROOT = join(__dirname, '../../..');

/** Logs of the apps tests run, one directory per test file (gitignored with the rest of .run/). */
export const TEST_LOGS_ROOT = join(WORKSPACE_ROOT, '.run/test-logs');

/** Set by the Jest environment in each test file's process.env: where that file's logs go. */
export const TEST_LOG_DIR_ENV = 'TEST_LOG_DIR';

/** The log of everything running inside the test process (pino through LOG_FILE, stray stdout/stderr). */
export const IN_PROCESS_LOG = 'in-process.log';

/** `.run/test-logs/<test file path from the workspace root, without extension>/`. */
export function testLogDir(testPath: string): string {
  const fromRoot = relative(WORKSPACE_ROOT, testPath).replace(/\.[cm]?[jt]s$/, '');
  return join(TEST_LOGS_ROOT, fromRoot.startsWith('..') ? fromRoot.replace(/[/\\]/g, '_') : fromRoot);
}

/** The log directory of the running test file (a shared one if not run under the preset's environment). */
export function currentTestLogDir(): string {
  return process.env[TEST_LOG_DIR_ENV] ?? join(TEST_LOGS_ROOT, `unattributed-${process.pid}`);
}

/** Appends synchronously, so nothing is lost if the test process ends right after. */
export function appendToLog(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, text);
  }
}

export interface LogTail {
  file: string;
  /** Lines written after `fromByte`, at most `maxLines` of the last ones. */
  lines: string[];
  /** Whether older lines after `fromByte` were left out. */
  cut: boolean;
  /** File size when read: pass it back as `fromByte` to read only what comes later. */
  size: number;
}

const TAIL_BYTES = 256 * 1024;
const MAX_LINE_CHARS = 2_000;

/** The last `maxLines` lines written to `file` after byte `fromByte` (long lines shortened). */
export function readLogTail(file: string, fromByte = 0, maxLines = 40): LogTail {
  const size = statSync(file).size;
  const start = Math.max(fromByte, size - TAIL_BYTES);
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  let lines = buffer.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // Reading from the middle of the file: the first line is only the end of one.
  let cut = start > fromByte;
  if (cut) lines.shift();
  if (lines.length > maxLines) {
    lines = lines.slice(-maxLines);
    cut = true;
  }
  return {
    file,
    lines: lines.map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}… (${l.length} chars)` : l)),
    cut,
    size,
  };
}

/** Every log file of a test file's directory, oldest name first (built apps are numbered in start order). */
export function listLogFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.log'))
      .sort()
      .map((name) => join(dir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
