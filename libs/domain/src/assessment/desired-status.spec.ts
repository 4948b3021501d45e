import { AssessmentStatus, RuleKind, type StatusTagSuffix } from '../types';
import { desiredStatusSuffix, type AssessmentStatusView } from './desired-status';

describe('desiredStatusSuffix', () => {
  const view = (patch: Partial<AssessmentStatusView>): AssessmentStatusView => ({
    status: AssessmentStatus.Sent,
    score: null,
    passThreshold: 70,
    failThreshold: 40,
    kind: RuleKind.TakeHome,
    ...patch,
  });

  it.each<[Partial<AssessmentStatusView>, StatusTagSuffix | null]>([
    [{ status: 'sent' }, 'Sent'],
    [{ status: 'completed' }, 'Needs Review'],
    [{ status: 'completed', score: 99 }, 'Needs Review'], // only a scored assessment uses the score
    [{ status: 'scored', score: 75 }, 'Pass'],
    [{ status: 'scored', score: 20 }, 'Fail'],
    [{ status: 'scored', score: 55 }, 'Needs Review'],
    [{ status: 'scored', score: 55, passThreshold: null, failThreshold: null }, 'Needs Review'],
    [{ status: 'scored', score: null }, 'Needs Review'],
    [{ status: 'expired' }, 'Expired'],
    [{ status: 'error' }, 'Error'],
    [{ status: 'canceled' }, 'Canceled'],
    [{ status: 'sent', kind: 'live_interview' }, 'Live Pad'],
    [{ status: 'completed', kind: 'live_interview' }, 'Needs Review'],
    [{ status: 'scored', kind: 'live_interview', score: 80 }, 'Pass'],
    [{ status: 'scored', kind: 'live_interview', score: 80, passThreshold: null, failThreshold: null }, 'Needs Review'],
    [{ status: 'expired', kind: 'live_interview' }, 'Expired'],
    [{ status: 'error', kind: 'live_interview' }, 'Error'],
    [{ status: 'canceled', kind: 'live_interview' }, 'Canceled'],
  ])('%o -> %s', (patch, expected) => {
    expect(desiredStatusSuffix(view(patch))).toBe(expected);
  });
});
