import { AccountUnavailableError } from '@lever-assess/account-access';
import {
  LeverAuthError,
  LeverBadRequestError,
  LeverNotFoundError,
  LeverPermissionError,
  LeverRateLimitedError,
  LeverUnavailableError,
  LeverUnexpectedResponseError,
} from '@lever-assess/lever-client';
import {
  PlatformAuthError,
  PlatformBadResponseError,
  PlatformNotFoundError,
  PlatformRejectedError,
  PlatformUnavailableError,
} from '@lever-assess/platform-client';
import { MIN_JOB_DELAY_MS, TRANSIENT_FAILURE, outcomeOfError } from '@lever-assess/queues';

type Expected =
  | { kind: 'delay'; delayMs: number; code: string }
  | { kind: 'retry' | 'fail'; code: string }
  | { kind: 'park'; code: string; accountId: string };

const f = { accountId: 'acct', endpoint: 'GET /opportunities/:id' };

// The errors the dispatcher meets, from the real client classes, and the job outcome each gets.
describe(`${outcomeOfError.name} on dispatcher errors`, () => {
  it.each<[string, unknown, Expected]>([
    ['Lever 429', new LeverRateLimitedError({ ...f, status: 429 }, 1500), { kind: 'delay', delayMs: 1500, code: 'LEVER_RATE_LIMITED' }],
    [
      'Lever 429 with a tiny Retry-After',
      new LeverRateLimitedError({ ...f, status: 429 }, 0),
      { kind: 'delay', delayMs: MIN_JOB_DELAY_MS, code: 'LEVER_RATE_LIMITED' },
    ],
    ['Lever 503', new LeverUnavailableError({ ...f, status: 503 }), { kind: 'retry', code: 'LEVER_UNAVAILABLE' }],
    [
      "Lever 401 (parks the account's jobs)",
      new LeverAuthError({ ...f, status: 401 }),
      { kind: 'park', code: 'LEVER_KEY_REVOKED', accountId: f.accountId },
    ],
    ['Lever 403', new LeverPermissionError({ ...f, status: 403 }), { kind: 'fail', code: 'LEVER_PERMISSION_MISSING' }],
    ['Lever 404', new LeverNotFoundError({ ...f, status: 404 }), { kind: 'fail', code: 'LEVER_NOT_FOUND' }],
    ['Lever 400', new LeverBadRequestError({ ...f, status: 400 }), { kind: 'fail', code: 'LEVER_BAD_REQUEST' }],
    ['Lever odd body', new LeverUnexpectedResponseError(f, 'not JSON'), { kind: 'fail', code: 'LEVER_UNEXPECTED_RESPONSE' }],
    ['platform 503', new PlatformUnavailableError('http', 3, 503), { kind: 'retry', code: 'PLATFORM_UNAVAILABLE' }],
    ['platform timeout', new PlatformUnavailableError('timeout', 3), { kind: 'retry', code: 'PLATFORM_UNAVAILABLE' }],
    [
      'platform odd body',
      new PlatformBadResponseError('/v1/invitations', 'id missing', 201),
      { kind: 'retry', code: 'PLATFORM_BAD_RESPONSE' },
    ],
    ['platform refuses our key', new PlatformAuthError(401), { kind: 'fail', code: 'PLATFORM_AUTH_FAILED' }],
    ['platform route missing', new PlatformNotFoundError('invitations endpoint'), { kind: 'fail', code: 'PLATFORM_NOT_FOUND' }],
    [
      'platform 422 (normally handled as an assessment error)',
      new PlatformRejectedError(422, 'bad'),
      { kind: 'fail', code: 'PLATFORM_REJECTED' },
    ],
    [
      'disconnected account',
      new AccountUnavailableError('acct', 'disconnected', 'LEVER_KEY_REVOKED'),
      { kind: 'park', code: 'ACCOUNT_UNAVAILABLE', accountId: 'acct' },
    ],
    ['disabled account', new AccountUnavailableError('acct', 'disabled'), { kind: 'fail', code: 'ACCOUNT_UNAVAILABLE' }],
    ['database or network hiccup', new Error('connection terminated'), { kind: 'retry', code: TRANSIENT_FAILURE }],
    ['a non-error throw', 'boom', { kind: 'retry', code: TRANSIENT_FAILURE }],
  ])('%s', (_name, err, expected) => {
    const now = 1_000_000;
    const outcome = outcomeOfError(err, now);
    if (expected.kind === 'delay') expect(outcome).toEqual({ kind: 'delay', until: now + expected.delayMs, code: expected.code });
    else expect(outcome).toMatchObject(expected);
  });
});
