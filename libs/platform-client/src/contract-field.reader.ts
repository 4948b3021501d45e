/**
 * Small readers used to validate contract JSON (callbacks and API answers). Each throws a
 * ContractFieldError naming the dotted path of the bad field, never echoing its value
 * (a value may be a candidate's email).
 */
export class ContractFieldError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'ContractFieldError';
  }
}

const MAX_ID_LENGTH = 200;
const MAX_URL_LENGTH = 2048;

export function readObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContractFieldError(field, 'must be an object');
  }
  return value as Record<string, unknown>;
}

export function readId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ContractFieldError(field, 'must be a non-empty string');
  if (value.length > MAX_ID_LENGTH) throw new ContractFieldError(field, `must be at most ${MAX_ID_LENGTH} characters`);
  return value;
}

export function readString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new ContractFieldError(field, 'must be a string');
  return value;
}

export function readOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ContractFieldError(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function readHttpUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) {
    throw new ContractFieldError(field, `must be an http(s) URL of at most ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ContractFieldError(field, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ContractFieldError(field, 'must be an http(s) URL');
  return value;
}

export function readNullable<T>(value: unknown, read: (v: unknown, field: string) => T, field: string): T | null {
  return value === null || value === undefined ? null : read(value, field);
}

export function readScore(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new ContractFieldError(field, 'must be a number from 0 to 100');
  }
  return value;
}

export function readPositiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ContractFieldError(field, 'must be a positive integer');
  }
  return value;
}

/** ISO 8601 date-time with a timezone, as the contract sends timestamps. */
export function readTimestamp(value: unknown, field: string): string {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new ContractFieldError(field, 'must be an ISO 8601 date-time with a timezone');
  }
  return value;
}
