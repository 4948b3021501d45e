import type { PlatformTest } from '@lever-assess/platform-client';

/**
 * The seeded catalog. Ids are fixed so demo scripts and tests can reference them; names match
 * the override tags a recruiter would put on a candidate (DESIGN.md Flow A step 5). The first four
 * are the shared library every platform account may use; the last is private to the platform
 * account `globex`, so a listing scoped to another account must not show it.
 */
export const TEST_CATALOG: readonly PlatformTest[] = [
  { id: 'tst_python_basics', name: 'Python Basics', kind: 'take_home', durationMinutes: 60 },
  { id: 'tst_python_advanced', name: 'Python Advanced', kind: 'take_home', durationMinutes: 90 },
  { id: 'tst_javascript_fundamentals', name: 'JavaScript Fundamentals', kind: 'take_home', durationMinutes: 60 },
  { id: 'tst_live_pairing', name: 'Live Pairing', kind: 'live_interview', durationMinutes: 60 },
  { id: 'tst_globex_internal', name: 'Globex Internal Exercise', kind: 'take_home', durationMinutes: 45, accountId: 'globex' },
];

/** `GET /v1/tests?accountId=`: the shared tests and that account's own; without it, all of them. */
export function listTests(accountId?: string): PlatformTest[] {
  return TEST_CATALOG.filter((t) => accountId === undefined || t.accountId === undefined || t.accountId === accountId);
}

export function findTest(id: string): PlatformTest | undefined {
  return TEST_CATALOG.find((t) => t.id === id);
}
