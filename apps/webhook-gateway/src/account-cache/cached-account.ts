import type { SecretBox } from '@lever-assess/common';
import type { AccountStatus } from '@lever-assess/domain';
import { accountSecretContext, type AccountWithSecrets } from '@lever-assess/persistence';

/** What the gateway needs to answer a Lever delivery without touching Postgres. */
export interface CachedAccount {
  accountId: string;
  webhookKey: string;
  status: AccountStatus;
  /**
   * Decrypted signature tokens, or null when they could not be decrypted (an ENCRYPTION_KEY
   * problem on our side): deliveries then get 503 so that Lever retries once it is fixed.
   */
  tokens: SignatureTokens | null;
}

export interface SignatureTokens {
  /** The candidateStageChange webhook's token; null until the account's webhooks are registered. */
  stageChange: string | null;
  /** Lever signs each event type with its own token (lever-api.md 3.1): `{ <eventName>: token }`. */
  perEvent: Readonly<Record<string, string>>;
}

/** Opens an account row's sealed tokens. Never throws: a row that cannot be read gets `tokens: null`. */
export function toCachedAccount(row: AccountWithSecrets, box: SecretBox): CachedAccount {
  return { accountId: row.id, webhookKey: row.webhookKey, status: row.status, tokens: openTokens(row, box) };
}

function openTokens(row: AccountWithSecrets, box: SecretBox): SignatureTokens | null {
  try {
    const stageChange = row.leverSignatureTokenEnc
      ? box.decrypt(row.leverSignatureTokenEnc, accountSecretContext('leverSignatureTokenEnc', row.id))
      : null;
    const perEvent = row.leverSignatureTokensEnc
      ? parseTokenMap(box.decrypt(row.leverSignatureTokensEnc, accountSecretContext('leverSignatureTokensEnc', row.id)))
      : {};
    return perEvent ? { stageChange, perEvent } : null;
  } catch {
    return null;
  }
}

/** The per-event blob is JSON `{ eventName: token }`; anything else is unreadable. */
function parseTokenMap(json: string): Record<string, string> | null {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.every(([, token]) => typeof token === 'string' && token.length > 0)) return null;
  return Object.fromEntries(entries) as Record<string, string>;
}

/**
 * The tokens a delivery of `event` may be signed with: the event's own token when the account has
 * one, else the stage-change token (older Lever accounts share one token for every event).
 */
export function tokensForEvent(tokens: SignatureTokens, event: string | undefined): string[] {
  const own = event !== undefined && Object.hasOwn(tokens.perEvent, event) ? tokens.perEvent[event] : undefined;
  const token = own ?? tokens.stageChange;
  return token ? [token] : [];
}

/** Every token the account holds: a test ping is accepted when signed by any of them. */
export function allTokens(tokens: SignatureTokens): string[] {
  return [...new Set([tokens.stageChange, ...Object.values(tokens.perEvent)])].filter((t): t is string => !!t);
}
