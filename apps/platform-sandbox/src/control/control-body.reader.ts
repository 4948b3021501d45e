import { apiError } from '../invitations/api-error';

/** Readers for /_sandbox request bodies; a bad value is a 400 naming the field. */
export function bodyOf(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw apiError(400, 'validation_failed', 'body must be a JSON object', 'body');
  return body as Record<string, unknown>;
}

export function optionalInt(body: Record<string, unknown>, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw apiError(400, 'validation_failed', `${field} must be an integer from ${min} to ${max}`, field);
  }
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw apiError(400, 'validation_failed', `${field} must be true or false`, field);
  return value;
}

export function requiredScore(body: Record<string, unknown>): number {
  const score = body.score;
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 100) {
    throw apiError(400, 'validation_failed', 'score is required and must be a number from 0 to 100', 'score');
  }
  return score;
}

export function optionalHttpUrl(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && /^https?:\/\/\S+$/.test(value) && URL.canParse(value)) return value;
  throw apiError(400, 'validation_failed', `${field} must be an absolute http(s) URL`, field);
}

export function optionalOneOf<T extends string>(body: Record<string, unknown>, field: string, allowed: readonly T[]): T | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw apiError(400, 'validation_failed', `${field} must be one of ${allowed.join(', ')}`, field);
}
