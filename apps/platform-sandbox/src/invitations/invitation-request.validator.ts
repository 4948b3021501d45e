import { RULE_KINDS, RuleKind } from '@lever-assess/domain';
import type { CreateInvitationRequest } from '@lever-assess/platform-client';
import { findTest } from '../catalog/test-catalog';

/** A request field the platform refuses; the message names the field, never its value. */
export class InvalidInvitationRequestError extends Error {
  readonly code = 'validation_failed';

  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'InvalidInvitationRequestError';
  }
}

const MAX_TEXT = 200;
const MAX_TIME_LIMIT_MINUTES = 7 * 24 * 60;
// Deliberately simple: one @, no spaces, a dot in the domain. Real platforms are no stricter.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Validates a `POST /v1/invitations` body the way a real platform would, and returns only the
 * contract's fields (so two bodies compare equal for idempotency regardless of extra fields).
 * @throws InvalidInvitationRequestError naming the first bad field.
 */
export function parseCreateInvitationRequest(body: unknown): CreateInvitationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidInvitationRequestError('body', 'must be a JSON object');
  const b = body as Record<string, unknown>;

  if (typeof b.kind !== 'string' || !(RULE_KINDS as readonly string[]).includes(b.kind)) {
    throw new InvalidInvitationRequestError('kind', `is required and must be one of ${RULE_KINDS.join(', ')}`);
  }
  const kind = b.kind as RuleKind;

  let testId: string | null = null;
  if (b.testId !== undefined && b.testId !== null) {
    if (typeof b.testId !== 'string' || b.testId === '')
      throw new InvalidInvitationRequestError('testId', 'must be a test id string or null');
    if (!findTest(b.testId)) throw new InvalidInvitationRequestError('testId', 'does not name a test in the catalog (GET /v1/tests)');
    testId = b.testId;
  } else if (kind === RuleKind.TakeHome) {
    throw new InvalidInvitationRequestError('testId', 'is required for take_home invitations');
  }

  const timeLimitMinutes = b.timeLimitMinutes;
  if (
    typeof timeLimitMinutes !== 'number' ||
    !Number.isInteger(timeLimitMinutes) ||
    timeLimitMinutes <= 0 ||
    timeLimitMinutes > MAX_TIME_LIMIT_MINUTES
  ) {
    throw new InvalidInvitationRequestError(
      'timeLimitMinutes',
      `is required and must be a positive integer of at most ${MAX_TIME_LIMIT_MINUTES}`,
    );
  }

  if (typeof b.candidate !== 'object' || b.candidate === null || Array.isArray(b.candidate)) {
    throw new InvalidInvitationRequestError('candidate', 'is required and must be an object with name and email');
  }
  const c = b.candidate as Record<string, unknown>;
  if (typeof c.email !== 'string' || c.email.trim() === '')
    throw new InvalidInvitationRequestError('candidate.email', 'is required: the platform emails the candidate');
  if (c.email.length > MAX_TEXT || !EMAIL.test(c.email.trim()))
    throw new InvalidInvitationRequestError('candidate.email', 'is not a valid email address');
  if (typeof c.name !== 'string' || c.name.trim() === '' || c.name.length > MAX_TEXT) {
    throw new InvalidInvitationRequestError('candidate.name', `is required and must be at most ${MAX_TEXT} characters`);
  }

  const reference = requiredId(b.reference, 'reference');
  const accountId = requiredId(b.accountId, 'accountId');
  return { testId, kind, timeLimitMinutes, candidate: { name: c.name.trim(), email: c.email.trim() }, reference, accountId };
}

function requiredId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT) {
    throw new InvalidInvitationRequestError(field, `is required and must be a string of at most ${MAX_TEXT} characters`);
  }
  return value;
}
