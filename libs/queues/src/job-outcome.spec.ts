import { JobOutcome, MIN_JOB_DELAY_MS, TRANSIENT_FAILURE, outcomeOfError } from './job-outcome';

class Classified extends Error {
  constructor(
    readonly code: string,
    readonly retryable: boolean,
    readonly delayJobMs?: number,
  ) {
    super(`${code} happened`);
  }
}

describe(outcomeOfError.name, () => {
  const now = 1_000_000;

  it('delays a rate-limited job by its wait, without using an attempt', () => {
    expect(outcomeOfError(new Classified('RATE', true, 1_500), now)).toEqual({ kind: 'delay', until: now + 1_500, code: 'RATE' });
  });

  it('never delays by less than the floor (a 0 ms Retry-After would spin)', () => {
    expect(outcomeOfError(new Classified('RATE', true, 0), now)).toEqual({ kind: 'delay', until: now + MIN_JOB_DELAY_MS, code: 'RATE' });
  });

  it('retries a retryable error under its own code', () => {
    const err = new Classified('DOWN', true);
    expect(outcomeOfError(err, now)).toEqual({ kind: 'retry', code: 'DOWN', error: err });
  });

  it('fails a non-retryable error for good with its code and message', () => {
    expect(outcomeOfError(new Classified('REVOKED', false), now)).toEqual({ kind: 'fail', code: 'REVOKED', message: 'REVOKED happened' });
  });

  it.each([
    ['a plain Error', new Error('connection terminated')],
    ['a thrown string', 'boom'],
    ['an object with a code but no retryable flag', Object.assign(new Error('x'), { code: 'ECONNRESET' })],
  ])('retries %s as an unexpected failure', (_name, err) => {
    expect(outcomeOfError(err, now)).toEqual({ kind: 'retry', code: TRANSIENT_FAILURE, error: err });
  });
});

describe('JobOutcome', () => {
  it('builds each outcome', () => {
    expect(JobOutcome.done({ n: 1 })).toEqual({ kind: 'done', result: { n: 1 } });
    expect(JobOutcome.fail('X', 'why')).toEqual({ kind: 'fail', code: 'X', message: 'why' });
    expect(JobOutcome.delayFor(5_000, 'LOCKED', 10)).toEqual({ kind: 'delay', until: 5_010, code: 'LOCKED' });
  });
});
