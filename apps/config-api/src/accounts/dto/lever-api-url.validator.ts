import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';

// Plain http only to this machine: the Lever sandbox in development and tests. Lever itself is https only.
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Null when `value` may be an account's Lever API base URL, else why not (never quoting the value). */
export function leverApiUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 500) return 'must be a URL of 1-500 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://api.eu.lever.co/v1';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return 'must be an https URL';
  if (url.username || url.password || url.search || url.hash) return 'must not carry credentials, a query or a fragment';
  return null;
}

/** An account's Lever API base URL (`lever.apiUrl`); null passes (it means the default), so pair with @IsOptional. */
export function IsLeverApiUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLeverApiUrl',
      validator: {
        validate: (value: unknown) => value === null || leverApiUrlProblem(value) === null,
        defaultMessage: buildMessage(
          (prefix, args) => `${prefix}${args?.property ?? 'apiUrl'} ${leverApiUrlProblem(args?.value) ?? 'is invalid'}`,
          options,
        ),
      },
    },
    options,
  );
}
