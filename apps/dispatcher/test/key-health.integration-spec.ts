import { AccountStatus, KeyHealthStatus } from '@lever-assess/domain';
import { AccountsRepository } from '@lever-assess/persistence';
import * as testing from '@lever-assess/testing';
import { KeyHealthService } from '../src/housekeeping/key-health.service';
import { DispatcherHarness } from './support/dispatcher-harness';

/**
 * The scheduled Lever key check against the Lever sandbox: one cheap read per active account; a
 * revoked key disconnects the account, a missing permission is named, both shown as `health`.
 * Own harness (database, queue prefix, sandboxes): the round walks every active account.
 */
describe('dispatcher: Lever key health', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start('dispatcher_key_health', testing);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('checks every active account once per round and records what it found', async () => {
    const fine = await h.scenario([{ name: 'Fay Fine' }]);
    const revoked = await h.scenario([{ name: 'Rex Revoked' }]);
    const narrow = await h.scenario([{ name: 'Nia Narrow' }]);
    const disabled = await h.scenario([{ name: 'Dee Disabled' }]);
    const accounts = h.app.get(AccountsRepository);
    await h.lever.revokeKey(revoked.keyId);
    await h.lever.setPermissions(narrow.keyId, ['stages:read', 'notes:write']);
    await accounts.setStatus(disabled.account.id, AccountStatus.Disabled, 'by admin');
    const before = {
      fine: (await fine.leverRequests()).length,
      disabled: (await disabled.leverRequests()).length,
    };

    const round = await h.app.get(KeyHealthService).checkAll();

    expect(round).toMatchObject({ checked: 3, skipped: 0 });
    expect(round?.problems).toEqual(
      expect.arrayContaining([
        { accountId: revoked.account.id, status: KeyHealthStatus.KeyRevoked },
        { accountId: narrow.account.id, status: KeyHealthStatus.MissingPermission },
      ]),
    );
    expect(await accounts.findById(fine.account.id)).toMatchObject({
      status: AccountStatus.Active,
      healthStatus: KeyHealthStatus.Ok,
      healthProblem: null,
      healthCheckedAt: expect.any(Date),
    });
    const gone = await accounts.findById(revoked.account.id);
    expect(gone).toMatchObject({
      status: AccountStatus.Disconnected,
      statusReason: 'LEVER_KEY_REVOKED',
      healthStatus: KeyHealthStatus.KeyRevoked,
    });
    expect(gone?.healthProblem).toContain('paste a new key');
    const partial = await accounts.findById(narrow.account.id);
    expect(partial).toMatchObject({ status: AccountStatus.Active, healthStatus: KeyHealthStatus.MissingPermission });
    expect(partial?.healthProblem).toContain('GET /opportunities');
    expect(await accounts.findById(disabled.account.id)).toMatchObject({ healthStatus: KeyHealthStatus.Unchecked });
    // One cheap read per checked account; none for a disabled one.
    expect((await fine.leverRequests()).length - before.fine).toBe(1);
    expect((await disabled.leverRequests()).length).toBe(before.disabled);

    // The next round leaves the disconnected account alone (it waits for a new key), and a new key resets its health.
    const second = await h.app.get(KeyHealthService).checkAll(new Date(Date.now() + 3_600_000));
    expect(second?.checked).toBe(2);
    const { apiKey } = await h.lever.addKey(revoked.companyId, `replacement-${Date.now()}`);
    await accounts.update(revoked.account.id, { leverApiKeyEnc: h.box.encrypt(apiKey) });
    expect(await accounts.findById(revoked.account.id)).toMatchObject({ healthStatus: KeyHealthStatus.Unchecked, healthProblem: null });
  });
});
