import type { StatusTagSuffix } from '../types';
import { statusTagPlan, tagPlanSteps, type StatusTagPlan } from './status-tag-plan';

describe('statusTagPlan', () => {
  const P = 'Acme Test';
  it.each<[string, string[], StatusTagSuffix | null, StatusTagPlan]>([
    ['first tag', ['Full-time'], 'Sent', { add: ['Acme Test - Sent'], remove: [] }],
    ['already right', ['Acme Test - Sent', 'Full-time'], 'Sent', { add: [], remove: [] }],
    ['replaces the old status', ['Acme Test - Sent'], 'Needs Review', { add: ['Acme Test - Needs Review'], remove: ['Acme Test - Sent'] }],
    [
      'repairs several status tags',
      ['Acme Test - Sent', 'Acme Test - Pass', 'Acme Test - Needs Review'],
      'Pass',
      { add: [], remove: ['Acme Test - Sent', 'Acme Test - Needs Review'] },
    ],
    ['a live pad replaces Sent', ['Acme Test - Sent'], 'Live Pad', { add: ['Acme Test - Live Pad'], remove: ['Acme Test - Sent'] }],
    [
      'Needs Review replaces Live Pad',
      ['Acme Test - Live Pad'],
      'Needs Review',
      { add: ['Acme Test - Needs Review'], remove: ['Acme Test - Live Pad'] },
    ],
    [
      'no wanted tag removes every status tag',
      ['Acme Test - Sent', 'Acme Test - Live Pad', 'Acme Test - Error', 'x'],
      null,
      { add: [], remove: ['Acme Test - Sent', 'Acme Test - Live Pad', 'Acme Test - Error'] },
    ],
    ['nothing to remove when no tag is wanted and none is there', ['x'], null, { add: [], remove: [] }],
    [
      'other prefixes and look-alikes are left alone',
      ['Other - Sent', 'acme test - Sent', 'Acme Test - sent'],
      'Fail',
      { add: ['Acme Test - Fail'], remove: [] },
    ],
    [
      'duplicates in the input',
      ['Acme Test - Sent', 'Acme Test - Sent'],
      'Expired',
      { add: ['Acme Test - Expired'], remove: ['Acme Test - Sent'] },
    ],
  ])('%s', (_name, current, desired, expected) => {
    expect(statusTagPlan(P, current, desired)).toEqual(expected);
  });

  it('always leaves exactly one status tag of the prefix after add then remove', () => {
    const suffixes: StatusTagSuffix[] = ['Sent', 'Live Pad', 'Needs Review', 'Pass', 'Fail', 'Expired', 'Error'];
    for (const from of suffixes) {
      for (const to of suffixes) {
        let tags = ['keep', `${P} - ${from}`];
        for (const step of tagPlanSteps(statusTagPlan(P, tags, to))) {
          tags = step.action === 'addTags' ? [...tags, ...step.tags] : tags.filter((t) => !step.tags.includes(t));
          // never a moment without a status tag
          expect(tags.filter((t) => t.startsWith(`${P} - `)).length).toBeGreaterThanOrEqual(1);
        }
        expect(tags.filter((t) => t.startsWith(`${P} - `))).toEqual([`${P} - ${to}`]);
        expect(tags).toContain('keep');
      }
    }
  });
});

describe('tagPlanSteps', () => {
  it('orders add before remove and skips empty steps', () => {
    expect(tagPlanSteps({ add: ['a'], remove: ['b', 'c'] })).toEqual([
      { action: 'addTags', tags: ['a'] },
      { action: 'removeTags', tags: ['b', 'c'] },
    ]);
    expect(tagPlanSteps({ add: [], remove: ['b'] })).toEqual([{ action: 'removeTags', tags: ['b'] }]);
    expect(tagPlanSteps({ add: [], remove: [] })).toEqual([]);
  });
});
