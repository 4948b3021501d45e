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
import { classifyDispatchError, MIN_RATE_LIMIT_DELAY_MS, TRANSIENT_FAILURE, type DispatchErrorKind } from './dispatch-error.classifier';

const f = { accountId: 'acct', endpoint: 'GET /opportunities/:id' };

describe(classifyDispatchError.name, () => {
  it.each<[string, unknown, DispatchErrorKind]>([
    ['Lever 429', new LeverRateLimitedError({ ...f, status: 429 }, 1500), { kind: 'rate-limited', retryAfterMs: 1500 }],
    [
      'Lever 429 with a tiny Retry-After',
      new LeverRateLimitedError({ ...f, status: 429 }, 0),
      { kind: 'rate-limited', retryAfterMs: MIN_RATE_LIMIT_DELAY_MS },
    ],
    ['Lever 503', new LeverUnavailableError({ ...f, status: 503 }), { kind: 'transient', code: 'LEVER_UNAVAILABLE' }],
    ['Lever 401', new LeverAuthError({ ...f, status: 401 }), { kind: 'permanent', code: 'LEVER_KEY_REVOKED' }],
    ['Lever 403', new LeverPermissionError({ ...f, status: 403 }), { kind: 'permanent', code: 'LEVER_PERMISSION_MISSING' }],
    ['Lever 404', new LeverNotFoundError({ ...f, status: 404 }), { kind: 'permanent', code: 'LEVER_NOT_FOUND' }],
    ['Lever 400', new LeverBadRequestError({ ...f, status: 400 }), { kind: 'permanent', code: 'LEVER_BAD_REQUEST' }],
    ['Lever odd body', new LeverUnexpectedResponseError(f, 'not JSON'), { kind: 'permanent', code: 'LEVER_UNEXPECTED_RESPONSE' }],
    ['platform 503', new PlatformUnavailableError('http', 3, 503), { kind: 'transient', code: 'PLATFORM_UNAVAILABLE' }],
    ['platform timeout', new PlatformUnavailableError('timeout', 3), { kind: 'transient', code: 'PLATFORM_UNAVAILABLE' }],
    [
      'platform odd body',
      new PlatformBadResponseError('/v1/invitations', 'id missing', 201),
      { kind: 'transient', code: 'PLATFORM_BAD_RESPONSE' },
    ],
    ['platform refuses our key', new PlatformAuthError(401), { kind: 'permanent', code: 'PLATFORM_AUTH_FAILED' }],
    ['platform route missing', new PlatformNotFoundError('invitations endpoint'), { kind: 'permanent', code: 'PLATFORM_NOT_FOUND' }],
    [
      'platform 422 (normally handled as an assessment error)',
      new PlatformRejectedError(422, 'bad'),
      { kind: 'permanent', code: 'PLATFORM_REJECTED' },
    ],
    [
      'disconnected account',
      new AccountUnavailableError('acct', 'disconnected', 'LEVER_KEY_REVOKED'),
      { kind: 'permanent', code: 'ACCOUNT_DISCONNECTED' },
    ],
    ['database or network hiccup', new Error('connection terminated'), { kind: 'transient', code: TRANSIENT_FAILURE }],
    ['a non-error throw', 'boom', { kind: 'transient', code: TRANSIENT_FAILURE }],
  ])('%s', (_name, err, expected) => {
    expect(classifyDispatchError(err)).toEqual(expected);
  });
});
