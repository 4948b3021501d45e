import type { PlatformEventJob } from '@lever-assess/queues';
import { platformEventPatch, platformEventProblem } from './platform-event-patch';

const event = (patch: Partial<PlatformEventJob>): PlatformEventJob => ({
  eventId: 'evt-1',
  type: 'invitation.scored',
  invitationId: 'inv-1',
  reference: 'a-1',
  score: 80,
  reportUrl: 'https://platform.example/reports/1',
  occurredAt: '2026-01-02T03:04:05.000Z',
  correlationId: 'evt-1',
  ...patch,
});

describe('platformEventProblem', () => {
  it.each<[string, Partial<PlatformEventJob>, string | null]>([
    ['a scored event', {}, null],
    ['no score and no report', { type: 'invitation.completed', score: null, reportUrl: null }, null],
    ['score 0 and 100', { score: 0 }, null],
    ['score 100', { score: 100 }, null],
    ['negative score', { score: -1 }, 'score must be between 0 and 100'],
    ['score over 100', { score: 100.5 }, 'score must be between 0 and 100'],
    ['javascript: URL', { reportUrl: 'javascript:alert(1)' }, 'reportUrl must be an http(s) URL'],
    ['not a URL', { reportUrl: 'report 1' }, 'reportUrl must be an http(s) URL'],
  ])('%s', (_name, patch, problem) => {
    expect(platformEventProblem(event(patch))).toBe(problem);
  });
});

describe('platformEventPatch', () => {
  const at = new Date('2026-01-02T03:04:05.000Z');
  const earlier = new Date('2026-01-01T00:00:00.000Z');

  it('completed: status and completion time', () => {
    expect(platformEventPatch(event({ type: 'invitation.completed', score: null, reportUrl: null }), null)).toEqual({
      status: 'completed',
      completedAt: at,
    });
  });

  it('scored: score, report and times; keeps an earlier completion time', () => {
    expect(platformEventPatch(event({}), earlier)).toEqual({
      status: 'scored',
      score: 80,
      reportUrl: 'https://platform.example/reports/1',
      scoredAt: at,
      completedAt: earlier,
    });
    expect(platformEventPatch(event({}), null)).toMatchObject({ completedAt: at });
  });

  it('expired: status only', () => {
    expect(platformEventPatch(event({ type: 'invitation.expired', score: null, reportUrl: null }), null)).toEqual({ status: 'expired' });
  });
});
