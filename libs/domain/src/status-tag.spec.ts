import { allStatusTags, statusTag } from './status-tag';

describe('statusTag', () => {
  it('joins prefix and suffix the way recruiters see it in Lever', () => {
    expect(statusTag('Acme Test', 'Needs Review')).toBe('Acme Test - Needs Review');
    expect(statusTag('  Acme Test ', 'Pass')).toBe('Acme Test - Pass');
  });

  it('lists one tag per status suffix', () => {
    expect(allStatusTags('X')).toEqual([
      'X - Sent',
      'X - Live Pad',
      'X - Needs Review',
      'X - Pass',
      'X - Fail',
      'X - Expired',
      'X - Error',
      'X - Canceled',
    ]);
  });
});
