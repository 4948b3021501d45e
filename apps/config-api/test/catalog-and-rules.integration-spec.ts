import * as testing from '@lever-assess/testing';
import { ACME, ConfigApiHarness } from './config-api.harness';

describe('config-api test catalog and trigger rules', () => {
  let h: ConfigApiHarness;
  let account: any;
  let other: any;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_rules', testing);
    account = await h.createAccount();
    other = await h.createAccount({ name: 'Other Corp' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const tests = (path = '') => `/v1/accounts/${account.id}/tests${path}`;
  const rules = (path = '') => `/v1/accounts/${account.id}/trigger-rules${path}`;
  const newTest = async (name: string, accountId = account.id) => {
    const res = await h.call('POST', `/v1/accounts/${accountId}/tests`, {
      body: { name, platformTestId: `tst_${name.replace(/\W/g, '_')}`, kind: 'take_home' },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const fieldsOf = (res: { body: any }) => res.body.fields.map((f: any) => f.field);

  describe('catalog', () => {
    it('creates, reads, lists, updates and deletes a test, audited', async () => {
      const created = await h.call('POST', tests(), { body: { name: '  Go Basics ', platformTestId: 'tst_go', kind: 'take_home' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Go Basics', platformTestId: 'tst_go', kind: 'take_home' });
      const id = created.body.id;
      expect((await h.call('GET', tests(`/${id}`))).body).toEqual(created.body);
      expect((await h.call('GET', tests())).body.items.map((t: any) => t.name)).toContain('Go Basics');

      const updated = await h.call('PATCH', tests(`/${id}`), { body: { name: 'Go Advanced', kind: 'live_interview' } });
      expect(updated.body).toMatchObject({ id, name: 'Go Advanced', kind: 'live_interview', platformTestId: 'tst_go' });
      expect((await h.call('DELETE', tests(`/${id}`))).status).toBe(204);
      expect((await h.call('GET', tests(`/${id}`))).status).toBe(404);
      expect((await h.call('DELETE', tests(`/${id}`))).status).toBe(404);

      const audit = await h.call('GET', `/v1/accounts/${account.id}/audit?limit=3`);
      expect(audit.body.items.map((e: any) => e.action)).toEqual(['test.delete', 'test.update', 'test.create']);
    });

    it('refuses a name already in the catalog in any case (409), per account only', async () => {
      await newTest('Rust Basics');
      const dup = await h.call('POST', tests(), { body: { name: 'rust BASICS', platformTestId: 'x', kind: 'take_home' } });
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ error: 'TEST_NAME_TAKEN', fields: [{ field: 'name', messages: [expect.any(String)] }] });
      await newTest('Rust Basics', other.id);
      const second = await newTest('Rust Second');
      const rename = await h.call('PATCH', tests(`/${second.id}`), { body: { name: 'RUST basics' } });
      expect(rename.status).toBe(409);
    });

    it.each([
      [{ name: '', platformTestId: 'x', kind: 'take_home' }, ['name']],
      [{ name: 'X', kind: 'quiz' }, ['platformTestId', 'kind']],
      [{ name: 'X', platformTestId: 'x', kind: 'take_home', accountId: 'y' }, ['accountId']],
    ])('refuses %j with field messages', async (body, fields) => {
      const res = await h.call('POST', tests(), { body });
      expect(res.status).toBe(400);
      expect(fieldsOf(res).sort()).toEqual([...fields].sort());
    });

    it("imports the platform's tests, upserting by name", async () => {
      // A test named like a platform test, with an outdated platform id: updated, not duplicated.
      await h.call('POST', `/v1/accounts/${other.id}/tests`, {
        body: { name: 'python basics', platformTestId: 'old-id', kind: 'take_home' },
      });
      const first = await h.call('POST', `/v1/accounts/${other.id}/tests/import`);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ created: 3, updated: 1, unchanged: 0 });
      expect(first.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'python basics', platformTestId: 'tst_python_basics' }),
          expect.objectContaining({ name: 'Live Pairing', platformTestId: 'tst_live_pairing', kind: 'live_interview' }),
        ]),
      );
      const again = await h.call('POST', `/v1/accounts/${other.id}/tests/import`);
      expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
      const audit = await h.call('GET', `/v1/accounts/${other.id}/audit?limit=1`);
      expect(audit.body.items[0]).toMatchObject({ action: 'test.import', details: { created: 0, updated: 0, unchanged: 4 } });
    });

    it("imports only the tests of the account's platform account: the shared ones and its own, never another's", async () => {
      // The platform sandbox seeds "Globex Internal Exercise" as private to the platform account `globex`.
      const globex = await h.createAccount({ name: 'Globex', platformAccountId: 'globex' });
      const imported = await h.call('POST', `/v1/accounts/${globex.id}/tests/import`);
      expect(imported.body).toMatchObject({ created: 5 });
      expect(imported.body.items).toContainEqual(
        expect.objectContaining({ name: 'Globex Internal Exercise', platformTestId: 'tst_globex_internal' }),
      );

      const acme = await h.createAccount({ name: 'Acme Again' });
      const scoped = await h.call('POST', `/v1/accounts/${acme.id}/tests/import`);
      expect(scoped.body).toMatchObject({ created: 4 });
      expect(scoped.body.items.map((t: any) => t.name)).not.toContain('Globex Internal Exercise');
    });
  });

  describe('trigger rules', () => {
    it('creates a rule by stage name (resolved through Lever) with defaults', async () => {
      const test = await newTest('Python Rules');
      const res = await h.call('POST', rules(), {
        body: { stageName: ' coding test ', kind: 'take_home', testId: test.id, passThreshold: 70, failThreshold: 40 },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        stageId: ACME.codingTestStageId,
        stageName: 'Coding Test',
        requiredTag: null,
        postingId: null,
        kind: 'take_home',
        testId: test.id,
        passThreshold: 70,
        failThreshold: 40,
        timeLimitMinutes: 120,
        enabled: true,
      });
      expect((await h.call('GET', rules(`/${res.body.id}`))).body).toEqual(res.body);
      expect((await h.call('GET', rules())).body.items.map((r: any) => r.id)).toContain(res.body.id);
      const audit = await h.call('GET', `/v1/accounts/${account.id}/audit?limit=1`);
      expect(audit.body.items[0]).toMatchObject({
        action: 'trigger-rule.create',
        entityId: res.body.id,
        details: { stageId: ACME.codingTestStageId },
      });
    });

    it('creates a tagged live-interview rule by stage id, without a test, with its own time limit', async () => {
      const res = await h.call('POST', rules(), {
        body: { stageId: ACME.codingTestStageId, requiredTag: 'Pad: Live', kind: 'live_interview', timeLimitMinutes: 45, enabled: false },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        stageName: 'Coding Test',
        requiredTag: 'Pad: Live',
        testId: null,
        timeLimitMinutes: 45,
        enabled: false,
      });
    });

    it('refuses an unknown stage name, listing the stages that exist', async () => {
      const res = await h.call('POST', rules(), { body: { stageName: 'Final Boss', kind: 'live_interview' } });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([
        { field: 'stageName', messages: [expect.stringContaining('"Coding Test" (a0000000-0000-4000-8000-000000000003)')] },
      ]);
      const byId = await h.call('POST', rules(), { body: { stageId: 'no-such-stage', kind: 'live_interview' } });
      expect(fieldsOf(byId)).toEqual(['stageId']);
    });

    it.each([
      ['take-home without a test', { kind: 'take_home' }, ['testId']],
      ['thresholds outside 0-100', { kind: 'live_interview', passThreshold: 101, failThreshold: -1 }, ['passThreshold', 'failThreshold']],
      ['fail threshold not below pass', { kind: 'live_interview', passThreshold: 60, failThreshold: 60 }, ['failThreshold']],
      ['a non-integer time limit', { kind: 'live_interview', timeLimitMinutes: 1.5 }, ['timeLimitMinutes']],
      ['an unknown kind', { kind: 'quiz' }, ['kind']],
      ['both stageId and stageName', { kind: 'live_interview', stageId: ACME.codingTestStageId }, ['stageId']],
    ])('refuses %s with field-level messages', async (_name, patch, fields) => {
      const res = await h.call('POST', rules(), { body: { stageName: 'Coding Test', ...patch } });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res).sort()).toEqual([...fields].sort());
    });

    it('takes a posting id (trimmed), patches and clears it, and refuses a blank, too long or non-string one', async () => {
      const created = await h.call('POST', rules(), {
        body: { stageName: 'Coding Test', kind: 'live_interview', postingId: ' 6a1e4b79-75a3-454f-9417-ea79612b9585 ' },
      });
      expect(created.status).toBe(201);
      expect(created.body.postingId).toBe('6a1e4b79-75a3-454f-9417-ea79612b9585');
      const id = created.body.id;
      expect((await h.call('PATCH', rules(`/${id}`), { body: { postingId: 'posting-2' } })).body.postingId).toBe('posting-2');
      expect((await h.call('PATCH', rules(`/${id}`), { body: { requiredTag: 'Senior' } })).body.postingId).toBe('posting-2');
      expect((await h.call('PATCH', rules(`/${id}`), { body: { postingId: null } })).body.postingId).toBeNull();
      for (const postingId of ['  ', 'x'.repeat(201), 42]) {
        const res = await h.call('POST', rules(), { body: { stageName: 'Coding Test', kind: 'live_interview', postingId } });
        expect(res.status).toBe(400);
        expect(fieldsOf(res)).toEqual(['postingId']);
        expect(fieldsOf(await h.call('PATCH', rules(`/${id}`), { body: { postingId } }))).toEqual(['postingId']);
      }
    });

    it("refuses a test of another account's catalog", async () => {
      const foreign = await newTest('Foreign Test', other.id);
      const res = await h.call('POST', rules(), { body: { stageName: 'Coding Test', kind: 'take_home', testId: foreign.id } });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([{ field: 'testId', messages: ["testId is not a test of this account's catalog"] }]);
    });

    it('updates a rule; the merged rule must stay valid', async () => {
      const test = await newTest('Patch Test');
      const created = await h.call('POST', rules(), {
        body: { stageName: 'Coding Test', kind: 'take_home', testId: test.id, passThreshold: 70, failThreshold: 40 },
      });
      const id = created.body.id;
      expect((await h.call('PATCH', rules(`/${id}`), { body: { failThreshold: 80 } })).body.fields).toEqual([
        expect.objectContaining({ field: 'failThreshold' }),
      ]);
      expect(fieldsOf(await h.call('PATCH', rules(`/${id}`), { body: { testId: null } }))).toEqual(['testId']);
      expect(fieldsOf(await h.call('PATCH', rules(`/${id}`), { body: { enabled: null } }))).toEqual(['enabled']);
      expect(fieldsOf(await h.call('PATCH', rules(`/${id}`), { body: { stageName: 'Nope' } }))).toEqual(['stageName']);

      const ok = await h.call('PATCH', rules(`/${id}`), {
        body: { enabled: false, passThreshold: null, stageName: 'Onsite', requiredTag: 'Senior' },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ enabled: false, passThreshold: null, failThreshold: 40, stageName: 'Onsite', requiredTag: 'Senior' });
      expect(ok.body.stageId).not.toBe(ACME.codingTestStageId);
    });

    it('deletes a rule; a test in use by a rule cannot be deleted', async () => {
      const test = await newTest('In Use');
      const rule = await h.call('POST', rules(), { body: { stageName: 'Coding Test', kind: 'take_home', testId: test.id } });
      const inUse = await h.call('DELETE', tests(`/${test.id}`));
      expect(inUse.status).toBe(409);
      expect(inUse.body.error).toBe('TEST_IN_USE');
      expect((await h.call('DELETE', rules(`/${rule.body.id}`))).status).toBe(204);
      expect((await h.call('GET', rules(`/${rule.body.id}`))).status).toBe(404);
      expect((await h.call('DELETE', tests(`/${test.id}`))).status).toBe(204);
    });

    it('keeps accounts apart', async () => {
      const mine = await h.call('POST', rules(), { body: { stageName: 'Coding Test', kind: 'live_interview' } });
      expect((await h.call('GET', `/v1/accounts/${other.id}/trigger-rules/${mine.body.id}`)).status).toBe(404);
      expect((await h.call('DELETE', `/v1/accounts/${other.id}/trigger-rules/${mine.body.id}`)).status).toBe(404);
    });
  });
});
