import { STATUS_TAG_SUFFIXES, type StatusTagSuffix } from './types';

/** `Acme Test` + `Pass` -> `Acme Test - Pass`. Lever tags are case-sensitive strings. */
export function statusTag(prefix: string, suffix: StatusTagSuffix): string {
  return `${prefix.trim()} - ${suffix}`;
}

/** Every status tag of an account's prefix; used to find the ones to remove. */
export function allStatusTags(prefix: string): string[] {
  return STATUS_TAG_SUFFIXES.map((s) => statusTag(prefix, s));
}

/**
 * Tags a recruiter adds in Lever to ask for an action on the candidate's current assessment
 * (DESIGN.md "Lifecycle, recruiter actions"): the sweep acts once and removes the tag.
 */
export const RecruiterAction = { Resend: 'Resend', Cancel: 'Cancel' } as const;
export type RecruiterAction = (typeof RecruiterAction)[keyof typeof RecruiterAction];
export const RECRUITER_ACTIONS: readonly RecruiterAction[] = Object.values(RecruiterAction);

/** `Acme Test` + `Resend` -> `Acme Test - Resend` (exact, case-sensitive like every Lever tag). */
export function recruiterActionTag(prefix: string, action: RecruiterAction): string {
  return `${prefix.trim()} - ${action}`;
}

/** The action an opportunity's tags ask for, Cancel first (it wins over a Resend tagged at the same time). */
export function requestedRecruiterActions(prefix: string, tags: readonly string[]): RecruiterAction[] {
  const present = new Set(tags);
  return [RecruiterAction.Cancel, RecruiterAction.Resend].filter((a) => present.has(recruiterActionTag(prefix, a)));
}
