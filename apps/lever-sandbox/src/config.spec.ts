import { EnvValidationError } from '@lever-assess/common';
import { loadLeverSandboxEnv } from './config';

describe('lever-sandbox config', () => {
  it('has Lever-like defaults', () => {
    expect(loadLeverSandboxEnv({})).toMatchObject({
      PORT: 4010,
      LEVER_SANDBOX_API_KEY: 'demo-lever-key',
      LEVER_SANDBOX_SIGNATURE_TOKEN: 'demo-signature-token',
      LEVER_SANDBOX_RATE_PER_SECOND: 10,
      LEVER_SANDBOX_BURST: 20,
      LEVER_SANDBOX_WEBHOOK_URL: undefined,
    });
  });

  it.each([
    ['LEVER_SANDBOX_BURST', '0'],
    ['LEVER_SANDBOX_RATE_PER_SECOND', 'fast'],
    ['LEVER_SANDBOX_WEBHOOK_URL', 'not a url'],
    ['LEVER_SANDBOX_SIGNATURE_TOKENS', 'not-json-secret'],
    ['LEVER_SANDBOX_SIGNATURE_TOKENS', '["array-secret"]'],
    ['LEVER_SANDBOX_SIGNATURE_TOKENS', '{"candidateHired":42}'],
    ['LEVER_SANDBOX_SIGNATURE_TOKENS', '{"candidateStageChange":"dup-secret"}'],
  ])('names %s when it is invalid, without echoing the value', (variable, value) => {
    const err = (() => {
      try {
        loadLeverSandboxEnv({ [variable]: value });
      } catch (e) {
        return e as EnvValidationError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(EnvValidationError);
    expect(err!.message).toContain(variable);
    expect(err!.message).not.toContain(value);
  });

  it('gives Acme a distinct token per event, overridable per event, null meaning the shared token', () => {
    expect(loadLeverSandboxEnv({}).acmeSignatureTokens()).toEqual({
      candidateArchiveChange: 'demo-archive-signature-token',
      candidateHired: 'demo-hired-signature-token',
      candidateDeleted: 'demo-deleted-signature-token',
    });
    const env = loadLeverSandboxEnv({ LEVER_SANDBOX_SIGNATURE_TOKENS: '{"candidateHired":"h1","candidateDeleted":null}' });
    expect(env.acmeSignatureTokens()).toEqual({ candidateArchiveChange: 'demo-archive-signature-token', candidateHired: 'h1' });
  });

  it('rejects an unknown event name in LEVER_SANDBOX_SIGNATURE_TOKENS', () =>
    expect(() => loadLeverSandboxEnv({ LEVER_SANDBOX_SIGNATURE_TOKENS: '{"interviewCreated":"x"}' })).toThrow(
      /LEVER_SANDBOX_SIGNATURE_TOKENS/,
    ));
});
