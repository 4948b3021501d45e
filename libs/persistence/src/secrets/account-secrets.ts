import type { SecretContext } from '@lever-assess/common';

/**
 * Every column that holds a value sealed by SecretBox. Each value is bound (AAD) to
 * `<table>.<column>:<row id>`, so a ciphertext copied to another account or column does not open.
 * A new sealed column must be added here: the re-encrypt command and the
 * `secrets_needing_rotation` gauge walk this list.
 */
export const ACCOUNT_SECRET_COLUMNS = [
  { property: 'leverApiKeyEnc', column: 'lever_api_key_enc' },
  { property: 'leverSignatureTokenEnc', column: 'lever_signature_token_enc' },
  { property: 'leverSignatureTokensEnc', column: 'lever_signature_tokens_enc' },
  { property: 'leverOauthAccessTokenEnc', column: 'lever_oauth_access_token_enc' },
  { property: 'leverOauthRefreshTokenEnc', column: 'lever_oauth_refresh_token_enc' },
] as const;

export type AccountSecretProperty = (typeof ACCOUNT_SECRET_COLUMNS)[number]['property'];
export type AccountSecretColumn = (typeof ACCOUNT_SECRET_COLUMNS)[number]['column'];

export const ACCOUNTS_TABLE = 'accounts';

/** The context an account's sealed value is bound to: `accounts.lever_api_key_enc:<account id>`. */
export function accountSecretContext(property: AccountSecretProperty, accountId: string): SecretContext {
  const entry = ACCOUNT_SECRET_COLUMNS.find((c) => c.property === property);
  if (!entry) throw new Error(`${property} is not a sealed account column`);
  return { table: ACCOUNTS_TABLE, column: entry.column, rowId: accountId };
}
