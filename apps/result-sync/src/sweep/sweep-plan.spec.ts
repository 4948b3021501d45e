import { AssessmentStatus, RuleKind, recruiterActionTag, requestedRecruiterActions } from '@lever-assess/domain';
import { assessmentForMove, driftedOwner, enteredStageAt, inviteCheck, sweepDeliveryToken, type DriftAssessment } from './sweep-plan';

const HOUR = 60 * 60_000;
const NOW = Date.UTC(2026, 11, 2, 12);
const LOOKBACK = 72 * HOUR;

describe('enteredStageAt', () => {
  it('takes the latest entry into the stage, not a later move elsewhere', () => {
    const o = {
      stageChanges: [
        { toStageId: 's1', updatedAt: 1 },
        { toStageId: 'coding', updatedAt: 10 },
        { toStageId: 's1', updatedAt: 20 },
        { toStageId: 'coding', updatedAt: 30 },
      ],
      lastAdvancedAt: 99,
    };
    expect(enteredStageAt(o, 'coding')).toBe(30);
  });

  it('falls back to lastAdvancedAt, else null', () => {
    expect(enteredStageAt({ stageChanges: [], lastAdvancedAt: 5 }, 'coding')).toBe(5);
    expect(enteredStageAt({ stageChanges: [{ toStageId: 'coding', updatedAt: null }], lastAdvancedAt: null }, 'coding')).toBeNull();
  });
});

describe('inviteCheck', () => {
  const rule = (id: string, createdAt: number) => ({ id, createdAt: new Date(createdAt) });

  it('checks a move inside the look-back made after the rule existed', () => {
    expect(inviteCheck(NOW - HOUR, [rule('r1', NOW - 2 * HOUR)], NOW, LOOKBACK)).toEqual({
      kind: 'check',
      enteredAt: NOW - HOUR,
      ruleIds: ['r1'],
    });
  });

  it('never invites before the look-back, or when the entry time is unknown', () => {
    expect(inviteCheck(NOW - 96 * HOUR, [rule('r1', 0)], NOW, LOOKBACK)).toEqual({ kind: 'skip', reason: 'beforeLookback' });
    expect(inviteCheck(null, [rule('r1', 0)], NOW, LOOKBACK)).toEqual({ kind: 'skip', reason: 'beforeLookback' });
  });

  it('never invites for a rule created after the move; keeps only the rules that existed', () => {
    expect(inviteCheck(NOW - 2 * HOUR, [rule('r1', NOW - HOUR)], NOW, LOOKBACK)).toEqual({ kind: 'skip', reason: 'beforeRule' });
    expect(inviteCheck(NOW - 2 * HOUR, [rule('old', 0), rule('new', NOW - HOUR)], NOW, LOOKBACK)).toMatchObject({ ruleIds: ['old'] });
  });
});

describe('assessmentForMove', () => {
  const entered = NOW - HOUR;
  it('counts an assessment of a stage rule triggered by this move, within the clock tolerance', () => {
    expect(assessmentForMove([{ ruleId: 'r1', triggeredAt: new Date(entered - 4 * 60_000) }], ['r1'], entered)).toBe(true);
  });
  it('ignores an earlier move and other rules', () => {
    expect(assessmentForMove([{ ruleId: 'r1', triggeredAt: new Date(entered - 6 * 60_000) }], ['r1'], entered)).toBe(false);
    expect(assessmentForMove([{ ruleId: 'r2', triggeredAt: new Date(entered) }], ['r1'], entered)).toBe(false);
  });
});

it('the delivery token is stable per move', () => {
  expect(sweepDeliveryToken('o1', 's1', 123)).toBe('sweep:o1:s1:123');
});

describe('driftedOwner', () => {
  const a = (over: Partial<DriftAssessment>): DriftAssessment => ({
    id: 'a1',
    ruleId: 'r1',
    status: AssessmentStatus.Sent,
    kind: RuleKind.TakeHome,
    score: null,
    triggeredAt: new Date(1),
    createdAt: new Date(1),
    ...over,
  });
  const thresholds = () => ({ passThreshold: 70, failThreshold: 40 });

  it('is null when the tags match the owner', () => {
    expect(driftedOwner('Acme', ['Acme - Sent', 'Other'], [a({})], thresholds)).toBeNull();
  });

  it('names the owner when its tag is missing or another status tag shows', () => {
    expect(driftedOwner('Acme', ['Other'], [a({})], thresholds)?.id).toBe('a1');
    expect(driftedOwner('Acme', ['Acme - Sent'], [a({ status: AssessmentStatus.Scored, score: 80 })], thresholds)?.id).toBe('a1');
    expect(driftedOwner('Acme', ['Acme - Pass'], [a({ status: AssessmentStatus.Scored, score: 80 })], thresholds)).toBeNull();
  });

  it('follows the status-tag owner (the newest move), and is null without assessments', () => {
    const older = a({ id: 'old', status: AssessmentStatus.Canceled });
    const newer = a({ id: 'new', triggeredAt: new Date(2), createdAt: new Date(2) });
    expect(driftedOwner('Acme', ['Acme - Canceled'], [older, newer], thresholds)?.id).toBe('new');
    expect(driftedOwner('Acme', [], [], thresholds)).toBeNull();
  });
});

describe('recruiter action tags', () => {
  it('are exact strings of the prefix, Cancel first', () => {
    expect(recruiterActionTag(' Acme Test ', 'Resend')).toBe('Acme Test - Resend');
    expect(requestedRecruiterActions('Acme Test', ['Acme Test - Resend', 'Acme Test - Cancel', 'acme test - cancel'])).toEqual([
      'Cancel',
      'Resend',
    ]);
    expect(requestedRecruiterActions('Acme Test', ['Acme Test - resend'])).toEqual([]);
  });
});
