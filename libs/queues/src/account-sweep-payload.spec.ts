import { accountSweepJobId } from './job-ids';
import { InvalidJobPayloadError, SWEEP_ALL_ACCOUNTS, parseJobPayload } from './job-payloads';

describe('account-sweeps payload', () => {
  it('keeps the declared fields of a valid job, the fan-out job included', () => {
    expect(parseJobPayload('account-sweeps', { accountId: 'a1', reason: 'admin', correlationId: 'c', extra: 'dropped' })).toEqual({
      accountId: 'a1',
      reason: 'admin',
      correlationId: 'c',
    });
    expect(parseJobPayload('account-sweeps', { accountId: SWEEP_ALL_ACCOUNTS, reason: 'schedule', correlationId: 'c' }).accountId).toBe(
      '*',
    );
  });

  it('refuses an unknown reason or a missing account, naming the field', () => {
    expect(() => parseJobPayload('account-sweeps', { accountId: 'a1', reason: 'cron', correlationId: 'c' })).toThrow(
      new InvalidJobPayloadError('account-sweeps', 'reason must be one of schedule, admin'),
    );
    expect(() => parseJobPayload('account-sweeps', { reason: 'admin', correlationId: 'c' })).toThrow(
      /accountId must be a non-empty string/,
    );
  });

  it('names one scheduled sweep per account and interval', () => {
    const interval = 600_000;
    const t = 1_800_000_000_000;
    expect(accountSweepJobId('a1', interval, t)).toBe(accountSweepJobId('a1', interval, t + interval - 1 - (t % interval)));
    expect(accountSweepJobId('a1', interval, t)).not.toBe(accountSweepJobId('a1', interval, t + interval));
    expect(accountSweepJobId('a1', interval, t)).not.toBe(accountSweepJobId('a2', interval, t));
    expect(accountSweepJobId('a1', interval, t)).toMatch(/^as-[0-9a-f]{40}$/);
  });
});
