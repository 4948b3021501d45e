import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { hashAdminToken, isCheckViolation } from '..';
import { makeRepositories, newAccount, type Repositories } from './fixtures';
import { createMigratedTestDatabase, type TestDatabase } from './test-database';

describe('AdminTokensRepository and AuditLogRepository', () => {
  let db: TestDatabase;
  let repos: Repositories;

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    repos = makeRepositories(db.dataSource);
  });
  afterAll(() => db.dispose());

  it('stores token hashes only, finds active ones, and revokes', async () => {
    const token = randomBytes(24).toString('base64url');
    const created = await repos.adminTokens.create('ci', hashAdminToken(token));
    expect(created.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    await expect(repos.adminTokens.findActiveByHash(hashAdminToken(token))).resolves.toMatchObject({ id: created.id });
    await repos.adminTokens.touch(created.id);
    await expect(repos.adminTokens.findActiveByHash(hashAdminToken(token))).resolves.toMatchObject({
      lastUsedAt: expect.any(Date),
    });
    await expect(repos.adminTokens.revoke(created.id)).resolves.toBe(true);
    await expect(repos.adminTokens.revoke(created.id)).resolves.toBe(false);
    await expect(repos.adminTokens.findActiveByHash(hashAdminToken(token))).resolves.toBeNull();
    const plaintext = await repos.adminTokens.create('oops', token).catch((e: unknown) => e);
    expect(isCheckViolation(plaintext, 'ck_admin_tokens_token_hash')).toBe(true);
  });

  it('writes audit entries with secret-looking details redacted, newest first per account', async () => {
    const account = await newAccount(repos);
    await repos.audit.write({
      actor: 'admin-token:1',
      action: 'account.create',
      accountId: account.id,
      entityType: 'account',
      entityId: account.id,
      details: { name: 'Acme', lever: { apiKey: 'plain-key', signatureToken: 'plain-token' } },
    });
    await repos.audit.write({
      actor: 'system',
      action: 'account.disconnect',
      accountId: account.id,
      entityType: 'account',
      entityId: account.id,
    });
    const page = await repos.audit.listForAccount(account.id);
    expect(page.total).toBe(2);
    expect(page.items[0].action).toBe('account.disconnect');
    expect(page.items[0].details).toEqual({});
    expect(page.items[1].details).toEqual({ name: 'Acme', lever: { apiKey: '[redacted]', signatureToken: '[redacted]' } });
    expect(JSON.stringify(page.items)).not.toContain('plain-');
    expect(page.items[1].id).toMatch(/^\d+$/);
  });
});
