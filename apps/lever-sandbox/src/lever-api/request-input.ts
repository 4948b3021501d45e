import { LeverApiError } from './lever-api.error';

/** Query values arrive as a string, or an array for repeated keys (?tag=A&tag=B). */
export function queryList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
}

/** `body[field]` must be a list of non-empty strings (Lever's {tags:[...]} / {links:[...]}). */
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

export function bodyOptionalBoolean(body: unknown, field: string): boolean | undefined {
  const value = isObject(body) ? body[field] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw LeverApiError.badRequest(`${field} must be a boolean`);
  return value;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
