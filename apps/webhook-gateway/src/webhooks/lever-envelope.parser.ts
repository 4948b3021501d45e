import { InvalidWebhookBodyError } from './webhook.errors';

/** The Lever webhook envelope (lever-api.md 3.2), shapes checked, nothing trusted yet. */
export interface LeverEnvelope {
  token?: string;
  triggeredAt?: number | string;
  signature?: string;
  event?: string;
  data: Record<string, unknown>;
}

/** The ids of a candidateStageChange; `data` is not signed, so the dispatcher re-reads Lever. */
export interface StageChange {
  opportunityId: string;
  candidateId: string;
  fromStageId: string | null;
  toStageId: string;
}

/** Lever's delivery token is "a random 48-character string"; bounded, printable, no spaces. */
const DELIVERY_TOKEN = /^[\x21-\x7e]{1,256}$/;
const MAX_ID_LENGTH = 512;

/**
 * Checks the envelope's shapes. A missing token, signature or triggeredAt is left for the
 * signature check to refuse as unsigned (401); a value of the wrong type is a malformed body (400).
 * @throws InvalidWebhookBodyError naming the field
 */
export function parseLeverEnvelope(body: unknown): LeverEnvelope {
  if (!isObject(body)) throw new InvalidWebhookBodyError('body', 'must be a JSON object');
  const { token, triggeredAt, signature, event, data } = body;
  if (token !== undefined && (typeof token !== 'string' || !DELIVERY_TOKEN.test(token))) {
    throw new InvalidWebhookBodyError('token', 'must be a string of 1-256 printable characters');
  }
  if (
    triggeredAt !== undefined &&
    typeof triggeredAt !== 'number' &&
    !(typeof triggeredAt === 'string' && /^[1-9]\d{0,15}$/.test(triggeredAt))
  ) {
    // No leading zero: Lever signs `token + triggeredAt` without a separator, so "abc0" + "1431..."
    // and "abc" + "01431..." sign the same string; with a zero allowed, a captured delivery whose
    // token ends in 0 could be sent again under another delivery token and be taken as new.
    throw new InvalidWebhookBodyError('triggeredAt', 'must be milliseconds since the epoch');
  }
  if (signature !== undefined && typeof signature !== 'string') throw new InvalidWebhookBodyError('signature', 'must be a string');
  if (event !== undefined && typeof event !== 'string') throw new InvalidWebhookBodyError('event', 'must be a string');
  if (!isObject(data)) throw new InvalidWebhookBodyError('data', 'must be an object');
  return { token, triggeredAt, signature, event, data } as LeverEnvelope;
}

/** Lever's test ("verify connection") ping is the envelope with `data: {}` (lever-api.md 3.2). */
export function isLeverPing(envelope: LeverEnvelope): boolean {
  return Object.keys(envelope.data).length === 0;
}

/**
 * The ids of a candidateStageChange. candidateId is legacy (it equals the opportunity id), so it
 * defaults to opportunityId; fromStageId is null when Lever sends none.
 * @throws InvalidWebhookBodyError naming the field
 */
export function parseStageChange(data: Record<string, unknown>): StageChange {
  const opportunityId = requiredId(data.opportunityId, 'data.opportunityId');
  return {
    opportunityId,
    candidateId: optionalId(data.candidateId, 'data.candidateId') ?? opportunityId,
    fromStageId: optionalId(data.fromStageId, 'data.fromStageId'),
    toStageId: requiredId(data.toStageId, 'data.toStageId'),
  };
}

/** The ids of a lifecycle event (archived, hired, deleted): the dispatcher checks Lever before acting. */
export interface LifecycleChange {
  opportunityId: string;
  candidateId: string;
  /**
   * candidateArchiveChange only: true when `data.toArchived` is explicitly null, i.e. the event
   * says the candidate was unarchived, which sends nothing (DESIGN.md "Lifecycle").
   */
  unarchived: boolean;
}

/**
 * The ids of candidateArchiveChange / candidateHired / candidateDeleted. Lever documents no field
 * list for them beyond the ids of a stage change (lever-api.md 3.2), so only those are required.
 * @throws InvalidWebhookBodyError naming the field
 */
export function parseLifecycleChange(data: Record<string, unknown>): LifecycleChange {
  const opportunityId = requiredId(data.opportunityId, 'data.opportunityId');
  return {
    opportunityId,
    candidateId: optionalId(data.candidateId, 'data.candidateId') ?? opportunityId,
    unarchived: Object.hasOwn(data, 'toArchived') && data.toArchived === null,
  };
}

function requiredId(value: unknown, field: string): string {
  if (value === undefined || value === null) throw new InvalidWebhookBodyError(field, 'is required');
  return optionalId(value, field) as string;
}

function optionalId(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID_LENGTH) {
    throw new InvalidWebhookBodyError(field, `must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
