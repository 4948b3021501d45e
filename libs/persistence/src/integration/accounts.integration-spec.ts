import 'reflect-metadata';
import { AccountStatus, RuleKind } from '@lever-assess/domain';
import { Account, UnsealedSecretError } from '..';
import { makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, seal, type TestDatabase } from './test-database';

const SECRET_FIELDS = [
  'leverApiKeyEnc',
  'leverSignatureTokenEnc',
  'leverSignatureTokensEnc',
  'leverOauthAccessTokenEnc',
  'leverOauthRefreshTokenEnc',
] as const;

function expectNoSecrets(account: Account) {
  for (const field of SECRET_FIELDS) expect(account[field]).toBeUndefined();
  expect(JSON.stringify(account)).not.toMatch(/"v1\./);
}

describe('AccountsRepository', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  it('creates an active account with a random webhook key and returns it without secrets', async () => {
    const a = await newAccount(repos);
    const b = await newAccount(repos);
    expect(a).toMatchObject({ name: 'Acme', tagPrefix: 'Assess', status: AccountStatus.Active, statusReason: null });
    expect(a.webhookKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(b.webhookKey).not.toBe(a.webhookKey);
    expectNoSecrets(a);
  });

  it('does not select secret columns by default, anywhere', async () => {
    const account = await newAccount(repos);
    const viaFind = await repos.accounts.findById(account.id);
    const viaList = (await repos.accounts.list({ limit: 200 })).items.find((x) => x.id === account.id);
    const viaOrm = await db.dataSource.getRepository(Account).findOneByOrFail({ id: account.id });
    for (const loaded of [viaFind, viaList, viaOrm]) {
      expect(loaded).toBeDefined();
      expectNoSecrets(loaded!);
    }
  });

  it('reads the sealed secrets explicitly, by id and by webhook key', async () => {
    const tokens = seal(JSON.stringify({ applicationCreated: 'tok' }));
    const created = await newAccount(repos);
    await repos.accounts.update(created.id, { leverSignatureTokensEnc: tokens });
    const byKey = await repos.accounts.findByWebhookKey(created.webhookKey);
    expect(byKey?.id).toBe(created.id);
    expect(byKey?.leverApiKeyEnc).toMatch(/^v1\./);
    expect(byKey?.leverSignatureTokenEnc).toMatch(/^v1\./);
    expect(byKey?.leverSignatureTokensEnc).toBe(tokens);
    const byId = await repos.accounts.findByIdWithSecrets(created.id);
    expect(byId?.leverApiKeyEnc).toBe(byKey?.leverApiKeyEnc);
    await expect(repos.accounts.findByWebhookKey('no-such-key')).resolves.toBeNull();
  });

  it('lists every account with its sealed secrets, page by page in id order', async () => {
    const created = [await newAccount(repos), await newAccount(repos), await newAccount(repos)];
    const seen: Account[] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await repos.accounts.listWithSecrets({ afterId, limit: 2 });
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page);
      afterId = page[page.length - 1].id;
    }
    const ids = seen.map((a) => a.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const account of created) {
      const listed = seen.find((a) => a.id === account.id);
      expect(listed).toMatchObject({ webhookKey: account.webhookKey, leverSignatureTokenEnc: expect.stringMatching(/^v1\./) });
    }
  });

  it('refuses plaintext where a sealed secret belongs', async () => {
    await expect(
      repos.accounts.create({
        name: 'Leaky',
        tagPrefix: 'L',
        leverApiKeyEnc: 'plain-lever-key',
        leverSignatureTokenEnc: seal('x'),
        platformAccountId: 'p',
      }),
    ).rejects.toBeInstanceOf(UnsealedSecretError);
    const account = await newAccount(repos);
    await expect(repos.accounts.update(account.id, { leverSignatureTokenEnc: 'plain' })).rejects.toMatchObject({
      code: 'UNSEALED_SECRET',
    });
  });

  it('updates fields and status, and says when the account is missing', async () => {
    const account = await newAccount(repos);
    const updated = await repos.accounts.update(account.id, { tagPrefix: 'Quiz', performAsUserId: 'user-1' });
    expect(updated).toMatchObject({ tagPrefix: 'Quiz', performAsUserId: 'user-1', name: 'Acme' });
    expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(account.updatedAt.getTime());
    await expect(repos.accounts.setStatus(account.id, AccountStatus.Disconnected, 'LEVER_KEY_REVOKED')).resolves.toBe(true);
    await expect(repos.accounts.findById(account.id)).resolves.toMatchObject({
      status: AccountStatus.Disconnected,
      statusReason: 'LEVER_KEY_REVOKED',
    });
    await repos.accounts.setStatus(account.id, AccountStatus.Active);
    await expect(repos.accounts.findById(account.id)).resolves.toMatchObject({ status: 'active', statusReason: null });
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(repos.accounts.update(missing, { name: 'x' })).resolves.toBeNull();
    await expect(repos.accounts.setStatus(missing, AccountStatus.Disabled)).resolves.toBe(false);
    await expect(repos.accounts.setStatus(account.id, 'paused' as AccountStatus)).rejects.toMatchObject({
      driverError: expect.objectContaining({ constraint: 'ck_accounts_status' }),
    });
  });

  it('moves an account to OAuth, stores refreshed tokens only over the refresh token they replace, and disconnects on that token only', async () => {
    const account = await newAccount(repos);
    const first = { accessTokenEnc: seal('at-1'), refreshTokenEnc: seal('rt-1'), expiresAt: new Date(Date.now() + 3_600_000) };
    await expect(repos.accounts.connectOAuth(account.id, first)).resolves.toBe(true);
    const connected = (await repos.accounts.findByIdWithSecrets(account.id))!;
    expect(connected).toMatchObject({ leverAuthKind: 'oauth', leverApiKeyEnc: null, leverOauthRefreshTokenEnc: first.refreshTokenEnc });
    await expect(repos.accounts.connectOAuth(account.id, { ...first, accessTokenEnc: 'plain-token' })).rejects.toBeInstanceOf(
      UnsealedSecretError,
    );

    const second = { accessTokenEnc: seal('at-2'), refreshTokenEnc: seal('rt-2'), expiresAt: new Date(Date.now() + 3_600_000) };
    await expect(repos.accounts.replaceOAuthTokensIf(account.id, first.refreshTokenEnc, second)).resolves.toBe(true);
    // A second writer that refreshed with the old token loses: the newest refresh token stays.
    const stale = { accessTokenEnc: seal('at-x'), refreshTokenEnc: seal('rt-x'), expiresAt: new Date() };
    await expect(repos.accounts.replaceOAuthTokensIf(account.id, first.refreshTokenEnc, stale)).resolves.toBe(false);
    expect((await repos.accounts.findByIdWithSecrets(account.id))!.leverOauthRefreshTokenEnc).toBe(second.refreshTokenEnc);

    await expect(repos.accounts.markDisconnectedIfRefreshToken(account.id, first.refreshTokenEnc, 'LEVER_OAUTH_REVOKED')).resolves.toBe(
      false,
    );
    await expect(repos.accounts.markDisconnectedIfRefreshToken(account.id, second.refreshTokenEnc, 'LEVER_OAUTH_REVOKED')).resolves.toBe(
      true,
    );
    await expect(repos.accounts.findById(account.id)).resolves.toMatchObject({
      status: AccountStatus.Disconnected,
      statusReason: 'LEVER_OAUTH_REVOKED',
    });

    // A pasted key puts the account back on its key and drops the tokens (the CHECK allows no half state).
    await repos.accounts.update(account.id, { leverApiKeyEnc: seal('key-again') });
    expect(await repos.accounts.findByIdWithSecrets(account.id)).toMatchObject({
      leverAuthKind: 'api_key',
      leverOauthAccessTokenEnc: null,
      leverOauthRefreshTokenEnc: null,
      leverOauthExpiresAt: null,
    });
    await expect(db.dataSource.query(`UPDATE accounts SET lever_auth_kind = 'oauth' WHERE id = $1`, [account.id])).rejects.toMatchObject({
      driverError: expect.objectContaining({ constraint: 'ck_accounts_lever_oauth_tokens' }),
    });
  });

  it('marks an account disconnected only while it holds the key that failed, and never a disabled one', async () => {
    const account = await newAccount(repos);
    const oldKey = (await repos.accounts.findByIdWithSecrets(account.id))!.leverApiKeyEnc;
    // The admin saves a new key; a 401 for the old one arrives afterwards.
    await repos.accounts.update(account.id, { leverApiKeyEnc: seal('new-lever-key') });
    await expect(repos.accounts.markDisconnectedIfKey(account.id, oldKey, 'LEVER_KEY_REVOKED')).resolves.toBe(false);
    await expect(repos.accounts.findById(account.id)).resolves.toMatchObject({ status: AccountStatus.Active, statusReason: null });

    const newKey = (await repos.accounts.findByIdWithSecrets(account.id))!.leverApiKeyEnc;
    await expect(repos.accounts.markDisconnectedIfKey(account.id, newKey, 'LEVER_KEY_REVOKED')).resolves.toBe(true);
    await expect(repos.accounts.findById(account.id)).resolves.toMatchObject({
      status: AccountStatus.Disconnected,
      statusReason: 'LEVER_KEY_REVOKED',
    });

    await repos.accounts.setStatus(account.id, AccountStatus.Disabled, 'DISABLED_BY_ADMIN');
    await expect(repos.accounts.markDisconnectedIfKey(account.id, newKey, 'LEVER_KEY_REVOKED')).resolves.toBe(false);
    await expect(repos.accounts.findById(account.id)).resolves.toMatchObject({
      status: AccountStatus.Disabled,
      statusReason: 'DISABLED_BY_ADMIN',
    });
    await expect(repos.accounts.markDisconnectedIfKey('00000000-0000-4000-8000-000000000000', newKey, 'x')).resolves.toBe(false);
  });

  it('rotates the webhook key: the old key no longer finds the account', async () => {
    const account = await newAccount(repos);
    const fresh = await repos.accounts.setWebhookKey(account.id);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fresh).not.toBe(account.webhookKey);
    await expect(repos.accounts.findByWebhookKey(account.webhookKey)).resolves.toBeNull();
    await expect(repos.accounts.findByWebhookKey(fresh!)).resolves.toMatchObject({ id: account.id });
    await expect(repos.accounts.setWebhookKey('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
  });

  it('deleting an account removes its catalog, rules, assessments, notes and deliveries', async () => {
    const account = await newAccount(repos);
    const test = await repos.tests.create(account.id, { name: 'T', platformTestId: 'p', kind: RuleKind.TakeHome });
    const rule = await repos.rules.create(account.id, { stageId: 's', kind: RuleKind.TakeHome, testId: test.id });
    const { assessment } = await repos.assessments.insertIfNoActive({
      accountId: account.id,
      opportunityId: 'o',
      candidateId: 'c',
      ruleId: rule.id,
      testId: test.id,
      kind: RuleKind.TakeHome,
      triggeredAt: new Date(),
    });
    await repos.notes.claim(account.id, assessment.id, 'sent');
    await repos.deliveries.recordOnce({
      accountId: account.id,
      deliveryToken: 't',
      opportunityId: 'o',
      toStageId: 's',
      triggeredAt: new Date(),
    });
    await expect(repos.accounts.delete(account.id)).resolves.toBe(true);
    const counts = await db.dataSource.query(
      `SELECT (SELECT count(*) FROM tests WHERE account_id = $1)::int AS tests,
              (SELECT count(*) FROM trigger_rules WHERE account_id = $1)::int AS rules,
              (SELECT count(*) FROM assessments WHERE account_id = $1)::int AS assessments,
              (SELECT count(*) FROM assessment_notes WHERE assessment_id = $2)::int AS notes,
              (SELECT count(*) FROM lever_deliveries WHERE account_id = $1)::int AS deliveries`,
      [account.id, assessment.id],
    );
    expect(counts[0]).toEqual({ tests: 0, rules: 0, assessments: 0, notes: 0, deliveries: 0 });
  });
});
