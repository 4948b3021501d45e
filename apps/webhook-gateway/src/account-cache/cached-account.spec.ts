import { SecretBox } from '@lever-assess/common';
import { AccountStatus } from '@lever-assess/domain';
import { accountSecretContext, type AccountWithSecrets } from '@lever-assess/persistence';
import { allTokens, toCachedAccount, tokensForEvent } from './cached-account';

describe(toCachedAccount.name, () => {
  const box = new SecretBox(Buffer.alloc(32, 3));
  const row = (over: Partial<AccountWithSecrets> = {}) =>
    ({
      id: 'acc-1',
      webhookKey: 'key-1',
      status: AccountStatus.Active,
      leverSignatureTokenEnc: box.encrypt('stage-token'),
      leverSignatureTokensEnc: null,
      ...over,
    }) as AccountWithSecrets;

  it('decrypts the stage-change token and the per-event map', () => {
    const sealedMap = box.encrypt(JSON.stringify({ candidateHired: 'hired-token' }));
    expect(toCachedAccount(row({ leverSignatureTokensEnc: sealedMap }), box)).toEqual({
      accountId: 'acc-1',
      webhookKey: 'key-1',
      status: AccountStatus.Active,
      tokens: { stageChange: 'stage-token', perEvent: { candidateHired: 'hired-token' } },
    });
  });

  it('opens tokens bound to the row (v2) and refuses tokens copied from another account or column', () => {
    const bound = (id: string, column: 'leverSignatureTokenEnc' | 'leverSignatureTokensEnc', text: string) =>
      box.encrypt(text, accountSecretContext(column, id));
    const own = row({
      leverSignatureTokenEnc: bound('acc-1', 'leverSignatureTokenEnc', 'stage-token'),
      leverSignatureTokensEnc: bound('acc-1', 'leverSignatureTokensEnc', '{"candidateHired":"hired-token"}'),
    });
    expect(toCachedAccount(own, box).tokens).toEqual({ stageChange: 'stage-token', perEvent: { candidateHired: 'hired-token' } });
    const copied = row({ leverSignatureTokenEnc: bound('acc-2', 'leverSignatureTokenEnc', 'attacker-token') });
    expect(toCachedAccount(copied, box).tokens).toBeNull();
    const swapped = row({ leverSignatureTokenEnc: bound('acc-1', 'leverSignatureTokensEnc', 'stage-token') });
    expect(toCachedAccount(swapped, box).tokens).toBeNull();
  });

  it('an account waiting for its webhooks to be registered has no stage-change token, and no token verifies its deliveries', () => {
    const cached = toCachedAccount(row({ leverSignatureTokenEnc: null }), box);
    expect(cached.tokens).toEqual({ stageChange: null, perEvent: {} });
    expect(tokensForEvent(cached.tokens!, 'candidateStageChange')).toEqual([]);
    expect(allTokens(cached.tokens!)).toEqual([]);
  });

  it.each([
    ['sealed under an unknown key', { leverSignatureTokenEnc: new SecretBox(Buffer.alloc(32, 4)).encrypt('x') }],
    ['a per-event map that is not an object of tokens', { leverSignatureTokensEnc: box.encrypt('["a"]') }],
    ['a per-event map with an empty token', { leverSignatureTokensEnc: box.encrypt('{"candidateHired":""}') }],
    ['a per-event map that is not JSON', { leverSignatureTokensEnc: box.encrypt('nope') }],
  ])('keeps the account without tokens when they are %s', (_, over) => {
    expect(toCachedAccount(row(over), box)).toMatchObject({ accountId: 'acc-1', tokens: null });
  });
});

describe(tokensForEvent.name, () => {
  const tokens = { stageChange: 'stage', perEvent: { candidateHired: 'hired' } };
  it.each([
    ['candidateHired', ['hired']],
    ['candidateStageChange', ['stage']],
    [undefined, ['stage']],
    ['toString', ['stage']],
  ])('signs %s with %j', (event, expected) => expect(tokensForEvent(tokens, event)).toEqual(expected));

  it('offers every distinct token for pings', () => {
    expect(allTokens({ stageChange: 'a', perEvent: { x: 'b', y: 'a' } })).toEqual(['a', 'b']);
  });
});
