import { TestEnvironment } from 'jest-environment-node';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { IN_PROCESS_LOG, TEST_LOG_DIR_ENV, WORKSPACE_ROOT, appendToLog, listLogFiles, readLogTail, testLogDir } from './test-logs';

/**
 * The Jest environment of every project (jest.preset.js): Node's, plus quiet app logs.
 *
 * - Each test file gets `.run/test-logs/<test file>/`, emptied when the file starts. Built apps
 *   (startBuiltApp, runBuiltApp) write their own files there; in-process apps log to
 *   `in-process.log` through LOG_FILE (libs/common's logger), and whatever in-process code writes
 *   to process.stdout/stderr (Nest's default ConsoleLogger) lands there too. Jest's console is
 *   untouched, so a test's own console.log still shows.
 * - When a test or hook fails, the lines the logs gained since the last tail printed (at most
 *   40 per file) are printed with the file's results, so CI's log shows why.
 */
export default class LogTailEnvironment extends TestEnvironment {
  private readonly logDir: string;
  private readonly testConsole: Console;
  /** Bytes of each log already printed: a later failure prints only what came after. */
  private readonly printed = new Map<string, number>();

  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    const [, context] = args;
    this.testConsole = context.console;
    this.logDir = testLogDir(context.testPath);
    rmSync(this.logDir, { recursive: true, force: true });
    const inProcessLog = join(this.logDir, IN_PROCESS_LOG);
    const env = this.global.process.env;
    env[TEST_LOG_DIR_ENV] = this.logDir;
    env.LOG_FILE = inProcessLog;
    for (const name of ['stdout', 'stderr'] as const) {
      Object.defineProperty(this.global.process, name, { configurable: true, enumerable: true, value: logStream(inProcessLog) });
    }
  }

  handleTestEvent(event: CircusEvent): void {
    if (event.name === 'test_done' && event.test && event.test.errors.length > 0) this.printTails(`test "${fullName(event.test)}" failed`);
    if (event.name === 'hook_failure') this.printTails(`${event.hook?.type ?? 'a'} hook failed`);
  }

  private printTails(why: string): void {
    const parts: string[] = [];
    for (const file of listLogFiles(this.logDir)) {
      const name = relative(WORKSPACE_ROOT, file);
      try {
        const tail = readLogTail(file, this.printed.get(file) ?? 0);
        this.printed.set(file, tail.size);
        if (tail.lines.length === 0) continue;
        parts.push(`── ${name} (${tail.cut ? `last ${tail.lines.length} new lines` : 'new lines'}) ──`, ...tail.lines);
      } catch (err) {
        // A log we cannot read must not turn into a failure of its own.
        parts.push(`── ${name}: not readable (${err instanceof Error ? err.message : String(err)}) ──`);
      }
    }
    if (parts.length > 0) this.testConsole.info([`App logs after ${why}:`, ...parts].join('\n'));
  }
}

/** A stream standing in for process.stdout/stderr inside the test: appends to the log, colours removed. */
function logStream(file: string): Writable {
  return Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        // eslint-disable-next-line no-control-regex
        appendToLog(file, String(chunk).replace(/\u001b\[[0-9;]*m/g, ''));
        done();
      },
    }),
    { isTTY: false },
  );
}

// The few fields of jest-circus events used here (its types are not a direct dependency).
interface DescribeBlock {
  name: string;
  parent?: DescribeBlock;
}
interface TestEntry {
  name: string;
  errors: unknown[];
  parent: DescribeBlock;
}
interface CircusEvent {
  name: string;
  test?: TestEntry;
  hook?: { type: string };
}

function fullName(test: TestEntry): string {
  const names = [test.name];
  for (let block: DescribeBlock | undefined = test.parent; block?.parent; block = block.parent) names.unshift(block.name);
  return names.join(' › ');
}
