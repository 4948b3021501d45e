import * as testing from '@lever-assess/testing';
import { AccountStatus } from '@lever-assess/domain';
import { SecretBox } from '@lever-assess/common';
import { AccountsRepository } from '@lever-assess/persistence';
import { ConfigApiHarness } from './config-api.harness';

/** `accounts_by_status{status="..."} N` lines of a /metrics answer. */
/** `secrets_needing_rotation{table="accounts",column="..."} N` lines of a /metrics answer. */
const needingRotation = (text: string) =>
  Object.fromEntries(
    [...text.matchAll(/^secrets_needing_rotation\{table="accounts",column="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
  );
const byStatus = (text: string) =>
  Object.fromEntries([...text.matchAll(/^accounts_by_status\{status="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));

// The gauge the "accounts disconnected" alert reads (deploy/prometheus/alerts.yaml).
describe('config-api accounts_by_status', () => {
  let h: ConfigApiHarness;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_account_metrics', testing);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts the accounts of each status from PostgreSQL at every scrape', async () => {
    expect(byStatus((await h.call('GET', '/metrics', { token: null })).text)).toEqual({ active: 0, disconnected: 0, disabled: 0 });

    const [a, b, c] = [await h.createAccount(), await h.createAccount(), await h.createAccount()];
    expect((await h.call('PATCH', `/v1/accounts/${a.id}`, { body: { status: 'disabled' } })).status).toBe(200);
    // What a revoked Lever key does to an account (account-access marks it).
    await h.app.get(AccountsRepository).setStatus(b.id, AccountStatus.Disconnected, 'LEVER_KEY_REVOKED');
    expect(c.status).toBe('active');

    expect(byStatus((await h.call('GET', '/metrics', { token: null })).text)).toEqual({ active: 1, disconnected: 1, disabled: 1 });
  });

  it('counts sealed values not under the current key or not bound to their row (secrets_needing_rotation)', async () => {
    // Accounts created through the API are sealed under ENCRYPTION_KEY, bound to their row.
    expect(needingRotation((await h.call('GET', '/metrics', { token: null })).text)).toEqual({
      lever_api_key_enc: 0,
      lever_signature_token_enc: 0,
      lever_signature_tokens_enc: 0,
      lever_oauth_access_token_enc: 0,
      lever_oauth_refresh_token_enc: 0,
    });
    const account = await h.createAccount();
    // A value in the original v1 format (as written before row binding): readable, but to be re-encrypted.
    await h.app.get(AccountsRepository).update(account.id, { leverApiKeyEnc: SecretBox.fromEnv(h.env).encrypt(h.leverApiKey) });
    expect(needingRotation((await h.call('GET', '/metrics', { token: null })).text)).toEqual({
      lever_api_key_enc: 1,
      lever_signature_token_enc: 0,
      lever_signature_tokens_enc: 0,
      lever_oauth_access_token_enc: 0,
      lever_oauth_refresh_token_enc: 0,
    });
  });
});
