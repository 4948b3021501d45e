import { PlatformCallbackParseError, parsePlatformCallback } from './platform-callback.parser';

const valid = () => ({
  id: 'evt_1',
  type: 'invitation.scored',
  data: {
    invitationId: 'inv_1',
    reference: 'a6d1c7e2-1111-4c4c-9a9a-000000000001',
    score: 72.5,
    reportUrl: 'https://platform.example/reports/inv_1',
    occurredAt: '2026-11-25T10:00:00.000Z',
  },
});

function fieldOf(input: unknown): string {
  try {
    parsePlatformCallback(input);
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformCallbackParseError);
    expect((err as PlatformCallbackParseError).code).toBe('INVALID_PLATFORM_CALLBACK');
    return (err as PlatformCallbackParseError).field;
  }
  throw new Error('expected parsePlatformCallback to throw');
}

describe('parsePlatformCallback', () => {
  it('returns the typed event with only contract fields', () => {
    const input = { ...valid(), extra: 'dropped', data: { ...valid().data, internal: true } };
    expect(parsePlatformCallback(input)).toEqual(valid());
  });

  it('accepts a completed event without score or report', () => {
    const event = parsePlatformCallback({
      id: 'evt_2',
      type: 'invitation.completed',
      data: { invitationId: 'inv_1', reference: 'r', occurredAt: '2026-11-25T10:00:00+01:00', score: null },
    });
    expect(event.data).toEqual({ invitationId: 'inv_1', reference: 'r', occurredAt: '2026-11-25T10:00:00+01:00' });
  });

  it.each<[string, (e: ReturnType<typeof valid>) => unknown]>([
    ['body', () => 'not an object'],
    ['body', () => [valid()]],
    ['id', (e) => ({ ...e, id: '' })],
    ['id', (e) => ({ ...e, id: 42 })],
    ['type', (e) => ({ ...e, type: 'invitation.deleted' })],
    ['data', (e) => ({ ...e, data: null })],
    ['data.invitationId', (e) => ({ ...e, data: { ...e.data, invitationId: undefined } })],
    ['data.reference', (e) => ({ ...e, data: { ...e.data, reference: '   ' } })],
    ['data.reference', (e) => ({ ...e, data: { ...e.data, reference: 'x'.repeat(201) } })],
    ['data.occurredAt', (e) => ({ ...e, data: { ...e.data, occurredAt: 'yesterday' } })],
    ['data.occurredAt', (e) => ({ ...e, data: { ...e.data, occurredAt: '2026-11-25T10:00:00' } })],
    ['data.occurredAt', (e) => ({ ...e, data: { ...e.data, occurredAt: 1764064800000 } })],
    ['data.score', (e) => ({ ...e, data: { ...e.data, score: '72' } })],
    ['data.score', (e) => ({ ...e, data: { ...e.data, score: 101 } })],
    ['data.score', (e) => ({ ...e, data: { ...e.data, score: Number.NaN } })],
    ['data.score', (e) => ({ ...e, data: { ...e.data, score: undefined } })],
    ['data.reportUrl', (e) => ({ ...e, data: { ...e.data, reportUrl: 'javascript:alert(1)' } })],
    ['data.reportUrl', (e) => ({ ...e, data: { ...e.data, reportUrl: '/reports/1' } })],
  ])('names %s when it is malformed', (field, mutate) => {
    expect(fieldOf(mutate(valid()))).toBe(field);
  });

  it('does not echo field values in the message', () => {
    const secretish = 'candidate@example.com';
    expect(() => parsePlatformCallback({ ...valid(), type: secretish })).toThrow(/^Invalid platform callback: type must be one of/);
    try {
      parsePlatformCallback({ ...valid(), type: secretish });
    } catch (err) {
      expect((err as Error).message).not.toContain(secretish);
    }
  });
});
