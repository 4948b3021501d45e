import {
  CONFIDENTIAL_ACCESS_FIX,
  LeverAuthError,
  LeverConfidentialAccessError,
  LeverPermissionError,
  LeverRateLimitedError,
  LeverUnavailableError,
} from './lever.errors';

describe('lever errors', () => {
  const f = { accountId: 'acct-1', endpoint: 'GET /stages', leverCode: 'Forbidden', leverMessage: 'no stages read' };

  it('a confidential candidate: a permission error of its own code that says to create a key with confidential access', () => {
    const err = new LeverConfidentialAccessError({ ...f, endpoint: 'GET /opportunities/:id', status: 403 });
    expect(err).toBeInstanceOf(LeverPermissionError);
    expect(err).toMatchObject({ code: 'LEVER_CONFIDENTIAL_ACCESS', retryable: false, status: 403, endpoint: 'GET /opportunities/:id' });
    expect(err.name).toBe('LeverConfidentialAccessError');
    expect(err.message).toContain(CONFIDENTIAL_ACCESS_FIX);
    expect(err.message).toContain('GET /opportunities/:id -> 403');
  });

  it('gives stable codes and retryability', () => {
    expect(new LeverAuthError({ ...f, status: 401 })).toMatchObject({
      code: 'LEVER_KEY_REVOKED',
      status: 401,
      retryable: false,
      accountId: 'acct-1',
    });
    expect(new LeverPermissionError({ ...f, status: 403 })).toMatchObject({
      code: 'LEVER_PERMISSION_MISSING',
      retryable: false,
      endpoint: 'GET /stages',
    });
    expect(new LeverRateLimitedError({ ...f, status: 429 }, 1500)).toMatchObject({ retryable: true, retryAfterMs: 1500 });
    expect(new LeverUnavailableError({ ...f, status: 503 })).toMatchObject({
      code: 'LEVER_UNAVAILABLE',
      retryable: true,
      writeMayHaveApplied: false,
    });
  });

  it('says what to do and quotes Lever', () => {
    const err = new LeverAuthError({ ...f, status: 401 });
    expect(err.message).toMatch(/invalid or revoked/);
    expect(err.message).toContain('Forbidden: no stages read');
    expect(err.name).toBe('LeverAuthError');
    expect(new LeverPermissionError({ ...f, status: 403 }).message).toContain('GET /stages');
  });
});
