import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { LeverAuth } from '../lever.types';

/**
 * Requests a job reserved for one Lever key before its Lever work (LeverClient.withBudget): each
 * request inside that work spends one of them instead of asking the shared limiter again.
 */
interface Prepaid {
  keyId: string;
  remaining: number;
}

const prepaid = new AsyncLocalStorage<Prepaid>();

export function runWithPrepaid<T>(keyId: string, requests: number, work: () => Promise<T>): Promise<T> {
  return prepaid.run({ keyId, remaining: requests }, work);
}

/** Spends one reserved request of `keyId`, if the current job has one left. */
export function spendPrepaid(keyId: string): boolean {
  const budget = prepaid.getStore();
  if (!budget || budget.keyId !== keyId || budget.remaining <= 0) return false;
  budget.remaining--;
  return true;
}

const keyIds = new Map<string, string>();
const MAX_CACHED_KEY_IDS = 10_000;

/**
 * The rate-limit identity of a Lever API key: Lever's budget belongs to the key, not to our
 * account (two accounts sharing one key share its 10 requests per second). A hash, so the key
 * itself never reaches Redis; cached, since every request needs it.
 */
export function leverKeyId(apiKey: string): string {
  let id = keyIds.get(apiKey);
  if (id === undefined) {
    if (keyIds.size >= MAX_CACHED_KEY_IDS) keyIds.clear();
    id = createHash('sha256').update(apiKey).digest('hex').slice(0, 32);
    keyIds.set(apiKey, id);
  }
  return id;
}

/**
 * The rate-limit identity of a call's credential: the API key's hash, or for an OAuth account its
 * grant (the account), since its access token changes every hour while Lever's budget does not.
 */
export function leverCredentialId(auth: LeverAuth): string {
  if (auth.accessToken) return leverKeyId(`oauth-grant:${auth.accountId}`);
  if (!auth.apiKey) throw new TypeError(`Lever auth for account ${auth.accountId} has neither an API key nor an access token`);
  return leverKeyId(auth.apiKey);
}
