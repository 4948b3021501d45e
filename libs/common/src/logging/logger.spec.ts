import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { withLogContext } from './correlation';
import { NestPinoLogger, createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes JSON with service and correlation context', () => {
    const { lines, stream } = capture();
    const log = createLogger('gateway', 'info', stream);
    withLogContext({ correlationId: 'corr-1', accountId: 'acc-1' }, () => {
      withLogContext({ assessmentId: 'as-1' }, () => log.info({ step: 'x' }, 'hello'));
    });
    expect(lines[0]).toMatchObject({
      service: 'gateway',
      level: 'info',
      msg: 'hello',
      correlationId: 'corr-1',
      accountId: 'acc-1',
      assessmentId: 'as-1',
      step: 'x',
    });
  });

  it('redacts secret-looking keys at any depth', () => {
    const { lines, stream } = capture();
    const log = createLogger('api', 'info', stream);
    log.info(
      { lever: { apiKey: 'k-123', signatureToken: 's-1', performAsUserId: 'u1' }, headers: { authorization: 'Basic abc' } },
      'created',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/k-123|s-1|Basic abc/);
    expect(lines[0]).toMatchObject({ lever: { apiKey: '[redacted]', performAsUserId: 'u1' } });
  });

  it('appends to the file named by LOG_FILE when given no destination', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logger-spec-'));
    const file = join(dir, 'nested/app.log');
    const saved = process.env.LOG_FILE;
    try {
      process.env.LOG_FILE = file;
      const log = createLogger('svc');
      log.info('one');
      log.warn({ token: 't-1' }, 'two');
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toMatchObject([
        { service: 'svc', msg: 'one' },
        { msg: 'two', token: '[redacted]' },
      ]);
    } finally {
      if (saved === undefined) delete process.env.LOG_FILE;
      else process.env.LOG_FILE = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe(NestPinoLogger.name, () => {
  it('maps Nest call shapes to JSON fields', () => {
    const { lines, stream } = capture();
    const sut = new NestPinoLogger(createLogger('svc', 'info', stream));
    sut.log('started', 'Bootstrap');
    sut.error('boom', 'Error: boom\n    at x', 'Worker');
    sut.warn({ accountId: 'a1' }, 'account disconnected', 'LeverAccountsService');
    expect(lines[0]).toMatchObject({ msg: 'started', context: 'Bootstrap' });
    expect(lines[1]).toMatchObject({ msg: 'boom', stack: 'Error: boom\n    at x', context: 'Worker', level: 'error' });
    expect(lines[2]).toMatchObject({ msg: 'account disconnected', accountId: 'a1', context: 'LeverAccountsService' });
    expect(lines[2].stack).toBeUndefined();
  });
});
