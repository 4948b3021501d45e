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
import { AssessmentNotFoundError } from '../result-sync.errors';
import { outcomeOfError } from '@lever-assess/queues';
import { noteCertainlyNotWritten, syncFailureRecord, syncMetricOutcome } from './sync-failure';

const f = { accountId: 'acct', endpoint: 'POST /opportunities/:id/notes' };

// The shared outcome of each error lever-sync meets, and the label it is counted under.
describe('lever-sync failure outcomes', () => {
  it.each<[string, unknown, string]>([
    ['429', new LeverRateLimitedError({ ...f, status: 429 }, 1000), 'rate_limited'],
    ['503', new LeverUnavailableError({ ...f, status: 503 }), 'transient_error'],
    ['network', new Error('ECONNRESET'), 'transient_error'],
    ['404', new LeverNotFoundError({ ...f, status: 404 }), 'opportunity_not_found'],
    ['403', new LeverPermissionError({ ...f, status: 403 }), 'permission_missing'],
    ['401', new LeverAuthError({ ...f, status: 401 }), 'parked'],
    ['disconnected account', new AccountUnavailableError('acct', 'disconnected', 'LEVER_KEY_REVOKED'), 'parked'],
    ['disabled account', new AccountUnavailableError('acct', 'disabled'), 'account_unavailable'],
    ['missing assessment', new AssessmentNotFoundError('acct', 'a'), 'assessment_missing'],
    ['400', new LeverBadRequestError({ ...f, status: 400 }), 'failed'],
    ['bad 2xx body', new LeverUnexpectedResponseError({ ...f, status: 200 }, 'no id'), 'failed'],
  ])('%s -> %s', (_name, err, kind) => {
    expect(syncMetricOutcome(outcomeOfError(err))).toBe(kind);
  });
});

describe('syncFailureRecord', () => {
  it('says what to do for a missing permission, naming the endpoint', () => {
    const record = syncFailureRecord(new LeverPermissionError({ ...f, status: 403 }));
    expect(record?.errorCode).toBe('LEVER_PERMISSION_MISSING');
    expect(record?.errorText).toContain('POST /opportunities/:id/notes');
    expect(record?.errorText).toContain('could not be told in Lever');
  });

  it('records nothing for failures that are retried', () => {
    expect(syncFailureRecord(new Error('x'))).toBeNull();
    expect(syncFailureRecord(new LeverUnavailableError({ ...f, status: 503 }))).toBeNull();
    expect(syncFailureRecord(new LeverRateLimitedError({ ...f, status: 429 }, 1000))).toBeNull();
  });
});

describe('noteCertainlyNotWritten', () => {
  it.each<[string, unknown, boolean]>([
    ['429 answer', new LeverRateLimitedError({ ...f, status: 429 }, 1000), true],
    ['403 answer', new LeverPermissionError({ ...f, status: 403 }), true],
    ['400 answer', new LeverBadRequestError({ ...f, status: 400 }), true],
    ['5xx or timeout on the POST', new LeverUnavailableError({ ...f, status: 500 }, true), false],
    ['connection refused', new LeverUnavailableError({ ...f, cause: 'ECONNREFUSED' }, false), true],
    ['2xx with a body we could not read', new LeverUnexpectedResponseError({ ...f, status: 201 }, 'no noteId'), false],
    ['anything else', new Error('boom'), false],
  ])('%s -> %s', (_name, err, expected) => {
    expect(noteCertainlyNotWritten(err)).toBe(expected);
  });
});
