import { FaultInjector } from './fault-injector';
import { maxInWindow } from './request-log';

describe(maxInWindow.name, () => {
  it('finds the busiest window of the given length', () => {
    expect(maxInWindow([], 1000)).toBe(0);
    expect(maxInWindow([0, 100, 999, 1000, 1500, 1998], 1000)).toBe(4);
    expect(maxInWindow([2000, 0, 1000], 1000)).toBe(1);
  });
});

describe(FaultInjector.name, () => {
  it('applies queued faults in order, each to `remaining` requests, per key', () => {
    const sut = new FaultInjector();
    sut.add('k', { status: 503, remaining: 2 });
    sut.add('k', { delayMs: 10, remaining: 1 });
    expect([sut.next('k')?.status, sut.next('k')?.status, sut.next('k')?.delayMs, sut.next('k')]).toEqual([503, 503, 10, undefined]);
    expect(sut.next('other')).toBeUndefined();
  });

  it('lets `skip` requests through before a fault starts', () => {
    const sut = new FaultInjector();
    sut.add('k', { status: 500, remaining: 1, skip: 2 });
    expect([sut.next('k'), sut.next('k'), sut.next('k')?.status, sut.next('k')]).toEqual([undefined, undefined, 500, undefined]);
  });
});
