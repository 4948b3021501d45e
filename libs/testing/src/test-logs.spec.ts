import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_LOGS_ROOT, WORKSPACE_ROOT, listLogFiles, readLogTail, testLogDir } from './test-logs';

describe('test logs', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'test-logs-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each test file its own directory under .run/test-logs', () => {
    expect(testLogDir(join(WORKSPACE_ROOT, 'apps/dispatcher/test/a.integration-spec.ts'))).toBe(
      join(TEST_LOGS_ROOT, 'apps/dispatcher/test/a.integration-spec'),
    );
  });

  it('reads the last lines, then only the lines written since', () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    const first = readLogTail(file, 0, 40);
    expect(first).toMatchObject({ cut: true, lines: expect.arrayContaining(['line 11', 'line 50']) });
    expect(first.lines).toHaveLength(40);
    writeFileSync(file, 'line 51\nline 52\n', { flag: 'a' });
    expect(readLogTail(file, first.size, 40)).toMatchObject({ cut: false, lines: ['line 51', 'line 52'] });
  });

  it('shortens very long lines', () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'x'.repeat(5_000) + '\n');
    const [line] = readLogTail(file).lines;
    expect(line).toMatch(/^x{2000}… \(5000 chars\)$/);
  });

  it('lists the .log files of a directory in name order, none for a missing directory', () => {
    for (const name of ['in-process.log', '02-b.log', '01-a.log', 'notes.txt']) writeFileSync(join(dir, name), '');
    expect(listLogFiles(dir).map((f) => f.slice(dir.length + 1))).toEqual(['01-a.log', '02-b.log', 'in-process.log']);
    expect(listLogFiles(join(dir, 'missing'))).toEqual([]);
  });
});
