import { LeverApiError } from './lever-api.error';

/** Query values arrive as a string, or an array for repeated keys (?tag=A&tag=B). */
export function queryList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
}

/** `body[field]` must be a list of non-empty strings (Lever's {tags:[...]} / {links:[...]}). */
/** `true` / `false`, or undefined when absent. */
export function queryBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw LeverApiError.badRequest(`${field} must be true or false`);
}

/** ms since epoch (inclusive bounds); Lever answers 400 for a bad timestamp filter. */
export function queryTimestamp(value: unknown, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw LeverApiError.badRequest(`${field} must be a timestamp in ms since epoch`);
  return Number(value);
}

/** Lever lists only non-confidential opportunities unless asked: `confidentiality=all|confidential|non-confidential`. */
export function queryConfidentiality(value: unknown): 'all' | 'confidential' | 'non-confidential' {
  if (value === undefined || value === '') return 'non-confidential';
  if (value === 'all' || value === 'confidential' || value === 'non-confidential') return value;
  throw LeverApiError.badRequest('confidentiality must be all, confidential or non-confidential');
}

export function bodyStringList(body: unknown, field: string): string[] {
  const value = isObject(body) ? body[field] : undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
    throw LeverApiError.badRequest(`${field} must be an array of non-empty strings`);
  }
  return value as string[];
}

export function bodyString(body: unknown, field: string): string {
  const value = isObject(body) ? body[field] : undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw LeverApiError.badRequest(`${field} is required and must be a non-empty string`);
  return value;
}

/** `reason`: an archive reason id, or null to unarchive; it must be present either way. */
export function bodyArchiveReason(body: unknown): string | null {
  if (!isObject(body) || !('reason' in body))
    throw LeverApiError.badRequest('reason is required: an archive reason id, or null to unarchive');
  if (body.reason === null) return null;
  return bodyString(body, 'reason');
}

export function bodyOptionalBoolean(body: unknown, field: string): boolean | undefined {
  const value = isObject(body) ? body[field] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw LeverApiError.badRequest(`${field} must be a boolean`);
  return value;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
