import { STATUS_TAG_SUFFIXES, type StatusTagSuffix } from './types';

/** `Acme Test` + `Pass` -> `Acme Test - Pass`. Lever tags are case-sensitive strings. */
export function statusTag(prefix: string, suffix: StatusTagSuffix): string {
  return `${prefix.trim()} - ${suffix}`;
}

/** Every status tag of an account's prefix; used to find the ones to remove. */
export function allStatusTags(prefix: string): string[] {
  return STATUS_TAG_SUFFIXES.map((s) => statusTag(prefix, s));
}
