import { AssessmentStatus, RuleKind } from '../types';
import { statusTagOwner, type StatusTagOwnerView } from './status-tag-owner';

const move1 = new Date('2026-03-01T10:00:00Z');
const move2 = new Date('2026-03-02T10:00:00Z');
let seq = 0;
const a = (id: string, patch: Partial<StatusTagOwnerView> = {}): StatusTagOwnerView => ({
  id,
  status: AssessmentStatus.Sent,
  kind: RuleKind.TakeHome,
  triggeredAt: move1,
  createdAt: new Date(move1.getTime() + 1000 * ++seq),
  ...patch,
});

describe(statusTagOwner.name, () => {
  const live = a('live', { kind: RuleKind.LiveInterview });
  const takeHome = a('take-home');
  const secondTakeHome = a('take-home-2');

  it.each<[string, StatusTagOwnerView[], string | null]>([
    ['no assessments', [], null],
    ['a single assessment', [live], 'live'],
    ['a take-home pad wins over a live pad of the same move', [live, takeHome], 'take-home'],
    ['input order does not matter', [takeHome, live], 'take-home'],
    ['two take-homes of one move: the first created', [secondTakeHome, takeHome], 'take-home'],
    ['a scored take-home still wins over an open live pad', [live, { ...takeHome, status: AssessmentStatus.Scored }], 'take-home'],
    ['an error of the move wins, live or not', [{ ...live, status: AssessmentStatus.Error }, takeHome], 'live'],
    ['a canceled take-home yields to the open live pad', [live, { ...takeHome, status: AssessmentStatus.Canceled }], 'live'],
    ['everything canceled: the canceled one (no tag)', [{ ...takeHome, status: AssessmentStatus.Canceled }], 'take-home'],
    [
      'a newer move owns the tag, whatever the older one holds',
      [{ ...takeHome, status: AssessmentStatus.Error }, a('later', { kind: RuleKind.LiveInterview, triggeredAt: move2 })],
      'later',
    ],
    [
      'a resend (new move) created after a later-triggered assessment owns the tag',
      [a('moved', { triggeredAt: move2 }), a('resent', { triggeredAt: new Date(move1.getTime() + 5) })],
      'resent',
    ],
  ])('%s', (_name, assessments, expected) => {
    expect(statusTagOwner(assessments)?.id ?? null).toBe(expected);
  });

  it('breaks a creation-time tie by id, so every sync picks the same one', () => {
    const at = new Date(move1.getTime() + 500);
    const x = a('b-id', { createdAt: at });
    const y = a('a-id', { createdAt: at });
    expect(statusTagOwner([x, y])?.id).toBe('a-id');
    expect(statusTagOwner([y, x])?.id).toBe('a-id');
  });
});
