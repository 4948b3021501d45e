import { isLeverPing, parseLeverEnvelope, parseStageChange } from './lever-envelope.parser';
import { InvalidWebhookBodyError } from './webhook.errors';

const envelope = (over: Record<string, unknown> = {}) => ({
  triggeredAt: 1431454330072,
  event: 'candidateStageChange',
  data: { opportunityId: 'opp-1', candidateId: 'cand-1', toStageId: 'st-2', fromStageId: 'st-1' },
  signature: 'ab'.repeat(32),
  token: 'be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154',
  ...over,
});

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidWebhookBodyError) return err.field;
    throw err;
  }
  throw new Error('expected InvalidWebhookBodyError');
}

describe(parseLeverEnvelope.name, () => {
  it('reads a Lever envelope, keeping triggeredAt as sent', () => {
    expect(parseLeverEnvelope(envelope())).toMatchObject({ event: 'candidateStageChange', triggeredAt: 1431454330072 });
    expect(parseLeverEnvelope(envelope({ triggeredAt: '1431454330072' })).triggeredAt).toBe('1431454330072');
  });

  it('leaves absent signature fields to the signature check', () => {
    expect(() => parseLeverEnvelope(envelope({ token: undefined, signature: undefined, triggeredAt: undefined }))).not.toThrow();
  });

  it.each([
    ['an array', [], 'body'],
    ['null', null, 'body'],
    ['a string', 'hello', 'body'],
    ['a numeric token', envelope({ token: 42 }), 'token'],
    ['a token with spaces', envelope({ token: 'a b' }), 'token'],
    ['an overlong token', envelope({ token: 'x'.repeat(257) }), 'token'],
    ['a date-string triggeredAt', envelope({ triggeredAt: '2026-01-01' }), 'triggeredAt'],
    // "abc0" + "1431…" and "abc" + "01431…" sign the same string (webhooks.property.spec.ts).
    ['a triggeredAt string with a leading zero', envelope({ triggeredAt: '01431454330072' }), 'triggeredAt'],
    ['a numeric signature', envelope({ signature: 1 }), 'signature'],
    ['a numeric event', envelope({ event: 7 }), 'event'],
    ['no data', envelope({ data: undefined }), 'data'],
    ['array data', envelope({ data: [] }), 'data'],
  ])('refuses %s naming %s', (_, body, field) => {
    expect(fieldOf(() => parseLeverEnvelope(body))).toBe(field);
  });
});

describe(isLeverPing.name, () => {
  it('is a ping exactly when data is empty', () => {
    expect(isLeverPing(parseLeverEnvelope(envelope({ data: {}, event: 'candidateHired' })))).toBe(true);
    expect(isLeverPing(parseLeverEnvelope(envelope()))).toBe(false);
  });
});

describe(parseStageChange.name, () => {
  it('reads the ids', () => {
    expect(parseStageChange({ opportunityId: 'o', candidateId: 'c', toStageId: 't', fromStageId: 'f', contactId: 'x' })).toEqual({
      opportunityId: 'o',
      candidateId: 'c',
      toStageId: 't',
      fromStageId: 'f',
    });
  });

  it('defaults candidateId to the opportunity and fromStageId to null', () => {
    expect(parseStageChange({ opportunityId: 'o', toStageId: 't' })).toEqual({
      opportunityId: 'o',
      candidateId: 'o',
      toStageId: 't',
      fromStageId: null,
    });
    expect(parseStageChange({ opportunityId: 'o', toStageId: 't', fromStageId: null, candidateId: null }).fromStageId).toBeNull();
  });

  it.each([
    [{ toStageId: 't' }, 'data.opportunityId'],
    [{ opportunityId: 5, toStageId: 't' }, 'data.opportunityId'],
    [{ opportunityId: '  ', toStageId: 't' }, 'data.opportunityId'],
    [{ opportunityId: 'o' }, 'data.toStageId'],
    [{ opportunityId: 'o', toStageId: 't', fromStageId: 3 }, 'data.fromStageId'],
    [{ opportunityId: 'o', toStageId: 't', candidateId: {} }, 'data.candidateId'],
    [{ opportunityId: 'x'.repeat(513), toStageId: 't' }, 'data.opportunityId'],
  ])('refuses %j naming %s', (data, field) => {
    expect(fieldOf(() => parseStageChange(data))).toBe(field);
  });
});
