import { AssessmentStatus as S, PlatformEventType as E, type AssessmentStatus, type PlatformEventType } from '../types';
import { applyPlatformEvent, platformEventSources } from './assessment-state';

describe('applyPlatformEvent', () => {
  const table: [AssessmentStatus, PlatformEventType, AssessmentStatus | null][] = [
    [S.Sent, E.Completed, S.Completed],
    [S.Sent, E.Scored, S.Scored], // scored before completed: straight to scored
    [S.Sent, E.Expired, S.Expired],
    [S.Completed, E.Completed, null], // repeat
    [S.Completed, E.Scored, S.Scored],
    [S.Completed, E.Expired, S.Expired],
    [S.Scored, E.Completed, null], // late completed after scored
    [S.Scored, E.Scored, null],
    [S.Scored, E.Expired, null],
    [S.Expired, E.Completed, null],
    [S.Expired, E.Scored, null],
    [S.Expired, E.Expired, null],
    [S.Canceled, E.Completed, null],
    [S.Canceled, E.Scored, null],
    [S.Canceled, E.Expired, null],
    [S.Error, E.Completed, null],
    [S.Error, E.Scored, null],
    [S.Error, E.Expired, null],
  ];

  it.each(table)('%s + %s -> %s', (current, event, expected) => {
    expect(applyPlatformEvent(current, event)).toBe(expected);
  });

  it('lists as sources exactly the statuses the event moves forward from', () => {
    for (const event of Object.values(E)) {
      const applicable = Object.values(S).filter((s) => applyPlatformEvent(s, event) !== null);
      expect([...platformEventSources(event)].sort()).toEqual(applicable.sort());
    }
  });

  it('ends in the same state whatever order completed and scored arrive in', () => {
    const run = (events: PlatformEventType[]) =>
      events.reduce<AssessmentStatus>((status, event) => applyPlatformEvent(status, event) ?? status, S.Sent);
    expect(run([E.Completed, E.Scored])).toBe(S.Scored);
    expect(run([E.Scored, E.Completed])).toBe(S.Scored);
    expect(run([E.Scored, E.Completed, E.Completed, E.Scored])).toBe(S.Scored);
  });
});
