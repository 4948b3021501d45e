import { verifyLeverWebhook } from '@lever-assess/common';
import { eventually } from '@lever-assess/testing';
import {
  ACME_ARCHIVE_REASON_IDS as REASON,
  ACME_COMPANY_ID,
  ACME_CONTACT_IDS as CONTACT,
  ACME_OPPORTUNITY_IDS as OPP,
  ACME_STAGE_IDS as STAGE,
  ACME_USER_IDS as USER,
} from '../src/seed/acme.seed';
import {
  basicAuth,
  createTestCompany,
  startSandbox,
  startWebhookReceiver,
  type LeverWebhookBody,
  type RunningSandbox,
} from './support/sandbox-harness';

const KEY = 'lifecycle-test-key';
const TOKENS = {
  candidateStageChange: 'stage-change-token',
  candidateArchiveChange: 'archive-change-token',
  candidateHired: 'hired-token',
  candidateDeleted: 'deleted-token',
};
const DAY = 24 * 60 * 60 * 1000;

describe('lever-sandbox lifecycle events, archive, hire, delete and list filters', () => {
  let sandbox: RunningSandbox;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    // Acme's webhook URL comes from the env, so the receiver must exist first.
    receiver = await startWebhookReceiver();
    const { candidateStageChange, ...others } = TOKENS;
    sandbox = await startSandbox({
      LEVER_SANDBOX_API_KEY: KEY,
      LEVER_SANDBOX_WEBHOOK_URL: receiver.url,
      LEVER_SANDBOX_SIGNATURE_TOKEN: candidateStageChange,
      LEVER_SANDBOX_SIGNATURE_TOKENS: JSON.stringify(others),
      LEVER_SANDBOX_WEBHOOK_RETRY_BASE_MS: '50',
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await sandbox.control.reset();
    receiver.received.length = 0;
  });

  const api = async (method: string, path: string, { key = KEY, body }: { key?: string; body?: unknown } = {}) => {
    const res = await fetch(`${sandbox.apiUrl}${path}`, {
      method,
      headers: { Authorization: basicAuth(key), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ids = (list: { id: string }[]) => list.map((o) => o.id);
  const received = (count: number) => eventually(() => (receiver.received.length >= count ? receiver.received.map((r) => r.body) : null));
  const byEvent = (bodies: LeverWebhookBody[], event: string) => bodies.filter((b) => b.event === event);

  describe('per-event signature tokens', () => {
    it('signs each event with its own token: it verifies with that token and with no other', async () => {
      await sandbox.control.moveCandidate(OPP.Ada, 'Coding Test');
      await api('PUT', `/opportunities/${OPP.Grace}/archived`, { body: { reason: REASON.Withdrew } });
      await sandbox.control.hire(OPP.Alan);
      await sandbox.control.deleteOpportunity(OPP.SamNoEmail);
      const bodies = await received(5);
      expect(bodies.map((b) => b.event).sort()).toEqual(
        ['candidateArchiveChange', 'candidateArchiveChange', 'candidateDeleted', 'candidateHired', 'candidateStageChange'].sort(),
      );
      for (const body of bodies) {
        const own = TOKENS[body.event as keyof typeof TOKENS];
        expect([body.event, verifyLeverWebhook(body, [own])]).toEqual([body.event, 'valid']);
        for (const other of Object.values(TOKENS).filter((t) => t !== own)) {
          expect([body.event, other, verifyLeverWebhook(body, [other])]).toEqual([body.event, other, 'bad-signature']);
        }
      }
      // All deliveries (every event) are in the log, by event name, delivered.
      const log = await eventually(async () => {
        const list = await sandbox.control.deliveries(ACME_COMPANY_ID);
        return list.length === 5 && list.every((d) => d.state === 'delivered') ? list : null;
      });
      expect(log.map((d) => d.event).sort()).toEqual(bodies.map((b) => b.event).sort());
    });

    it('signs events without their own token with the stage-change token (older accounts)', async () => {
      await sandbox.control.setWebhook(ACME_COMPANY_ID, receiver.url, 'shared-token', { signatureTokens: { candidateHired: 'own-hired' } });
      await sandbox.control.hire(OPP.Grace);
      const bodies = await received(2);
      expect(verifyLeverWebhook(byEvent(bodies, 'candidateHired')[0], ['own-hired'])).toBe('valid');
      expect(verifyLeverWebhook(byEvent(bodies, 'candidateArchiveChange')[0], ['shared-token'])).toBe('valid');
      expect(verifyLeverWebhook(byEvent(bodies, 'candidateArchiveChange')[0], ['own-hired'])).toBe('bad-signature');
    });

    it('sends only the events switched on', async () => {
      await sandbox.control.setWebhook(ACME_COMPANY_ID, receiver.url, 'shared-token', { events: ['candidateHired'] });
      await sandbox.control.hire(OPP.Grace);
      await sandbox.control.moveCandidate(OPP.Ada, 'Onsite');
      await sandbox.control.deleteOpportunity(OPP.Alan);
      await received(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.received.map((r) => r.body.event)).toEqual(['candidateHired']);
      expect((await sandbox.control.deliveries()).map((d) => d.event)).toEqual(['candidateHired']);
    });

    it('rejects an unknown event name in the webhook config', async () => {
      await expect(sandbox.control.setWebhook(ACME_COMPANY_ID, receiver.url, 't', { events: ['candidateExploded'] })).rejects.toThrow(
        /-> 400/,
      );
      await expect(
        sandbox.control.setWebhook(ACME_COMPANY_ID, receiver.url, 't', { signatureTokens: { interviewCreated: 'x' } }),
      ).rejects.toThrow(/-> 400/);
    });

    it('retries a failing lifecycle delivery like a stage change', async () => {
      const flaky = await startWebhookReceiver((n) => (n === 1 ? 500 : 200));
      try {
        await sandbox.control.setWebhook(ACME_COMPANY_ID, flaky.url, 'shared-token', { events: ['candidateDeleted'] });
        await sandbox.control.deleteOpportunity(OPP.Grace);
        const delivery = await eventually(async () => {
          const [first] = await sandbox.control.deliveries(ACME_COMPANY_ID);
          return first?.state === 'delivered' ? first : null;
        });
        expect(delivery.event).toBe('candidateDeleted');
        expect(delivery.attempts.map((a) => a.status)).toEqual([500, 200]);
        expect(new Set(flaky.received.map((r) => r.body.token)).size).toBe(1);
      } finally {
        await flaky.close();
      }
    });
  });

  describe('archive and unarchive (PUT /v1/opportunities/:id/archived)', () => {
    it('archives with a reason, sends candidateArchiveChange, and unarchives with reason null', async () => {
      const before = Date.now();
      const res = await api('PUT', `/opportunities/${OPP.Grace}/archived?perform_as=${USER.AssessmentBot}`, {
        body: { reason: REASON.Withdrew },
      });
      expect(res.status).toBe(200);
      const { archivedAt } = res.body.data;
      expect(archivedAt).toBeGreaterThanOrEqual(before);
      expect(res.body.data).toMatchObject({ archiveReason: REASON.Withdrew, archived: { reason: REASON.Withdrew, archivedAt } });
      const [archive] = await received(1);
      expect(archive).toMatchObject({
        event: 'candidateArchiveChange',
        triggeredAt: archivedAt,
        data: {
          opportunityId: OPP.Grace,
          candidateId: OPP.Grace,
          contactId: CONTACT.Grace,
          fromArchived: null,
          toArchived: { archivedAt, reason: REASON.Withdrew },
        },
      });
      expect((await sandbox.control.opportunity(OPP.Grace)).history.at(-1)).toMatchObject({
        action: 'archive',
        performAs: USER.AssessmentBot,
      });

      const back = await api('PUT', `/opportunities/${OPP.Grace}/archived`, { body: { reason: null } });
      expect(back.body.data).toMatchObject({ archivedAt: null, archiveReason: null, archived: null });
      const bodies = await received(2);
      expect(bodies[1].data).toMatchObject({ fromArchived: { archivedAt, reason: REASON.Withdrew }, toArchived: null });
    });

    it('sends nothing when the state does not change', async () => {
      await api('PUT', `/opportunities/${OPP.Ada}/archived`, { body: { reason: null } });
      await api('PUT', `/opportunities/${OPP.KatherineArchived}/archived`, { body: { reason: REASON.Underqualified } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await sandbox.control.deliveries()).toEqual([]);
    });

    it('answers 400 for an unknown reason or a missing one, 404 for an unknown opportunity, 403 without write permission', async () => {
      expect((await api('PUT', `/opportunities/${OPP.Ada}/archived`, { body: { reason: 'nope' } })).status).toBe(400);
      expect((await api('PUT', `/opportunities/${OPP.Ada}/archived`, { body: {} })).status).toBe(400);
      expect((await api('PUT', '/opportunities/nope/archived', { body: { reason: REASON.Withdrew } })).status).toBe(404);
      const { apiKey, company } = await createTestCompany(sandbox.control, { permissions: ['opportunities:read'] });
      const res = await api('PUT', `/opportunities/${company.opportunities[0].id}/archived`, { key: apiKey, body: { reason: null } });
      expect(res.status).toBe(403);
    });

    it('archives from the control API by reason text, without webhook on request', async () => {
      await sandbox.control.archive(OPP.Ada, 'Withdrew', { webhook: false });
      expect(await sandbox.control.opportunity(OPP.Ada)).toMatchObject({ archived: true, archiveReason: REASON.Withdrew });
      await sandbox.control.archive(OPP.Ada, null);
      expect((await received(1))[0]).toMatchObject({ event: 'candidateArchiveChange', data: { toArchived: null } });
    });

    it('serves the archive reasons, Hired among them', async () => {
      const res = await api('GET', '/archive_reasons');
      expect(res.body).toMatchObject({ hasNext: false });
      expect(res.body.data).toEqual([
        { id: REASON.Hired, text: 'Hired', status: 'active', type: 'hired' },
        { id: REASON.Withdrew, text: 'Withdrew', status: 'active', type: 'non-hired' },
        { id: REASON.Underqualified, text: 'Underqualified', status: 'active', type: 'non-hired' },
      ]);
      expect(ids((await api('GET', '/archive_reasons?type=hired')).body.data)).toEqual([REASON.Hired]);
    });
  });

  describe('hire and delete (control API)', () => {
    it('hires: archives with the Hired reason, sends candidateHired then candidateArchiveChange', async () => {
      await expect(sandbox.control.hire(OPP.Alan)).resolves.toEqual({ ok: true, changed: true, archiveReason: REASON.Hired });
      const bodies = await received(2);
      const deliveries = await sandbox.control.deliveries(ACME_COMPANY_ID);
      expect(deliveries.map((d) => d.event)).toEqual(['candidateHired', 'candidateArchiveChange']);
      const hired = byEvent(bodies, 'candidateHired')[0];
      expect(hired.data).toEqual({ opportunityId: OPP.Alan, candidateId: OPP.Alan, contactId: CONTACT.Alan });
      const archived = byEvent(bodies, 'candidateArchiveChange')[0];
      expect(archived.data).toMatchObject({ fromArchived: null, toArchived: { reason: REASON.Hired, archivedAt: hired.triggeredAt } });
      const opp = (await api('GET', `/opportunities/${OPP.Alan}`)).body.data;
      expect(opp).toMatchObject({ archiveReason: REASON.Hired, archived: { reason: REASON.Hired } });
      // Hiring again changes nothing and sends nothing.
      await expect(sandbox.control.hire(OPP.Alan)).resolves.toMatchObject({ changed: false });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await sandbox.control.deliveries()).toHaveLength(2);
    });

    it('deletes: later reads are Lever-shaped 404s, candidateDeleted names who deleted it', async () => {
      await expect(sandbox.control.deleteOpportunity(OPP.Grace, { deletedBy: USER.Monica })).resolves.toEqual({
        ok: true,
        deletedBy: USER.Monica,
      });
      expect(await api('GET', `/opportunities/${OPP.Grace}`)).toEqual({
        status: 404,
        body: { code: 'ResourceNotFound', message: `opportunities ${OPP.Grace} was not found` },
      });
      expect(ids((await api('GET', '/opportunities')).body.data)).not.toContain(OPP.Grace);
      const [deleted] = await received(1);
      expect(deleted).toMatchObject({
        event: 'candidateDeleted',
        data: { opportunityId: OPP.Grace, candidateId: OPP.Grace, contactId: CONTACT.Grace, deletedBy: USER.Monica },
      });
      // Default deleter: the company's super admin.
      await expect(sandbox.control.deleteOpportunity(OPP.Ada)).resolves.toMatchObject({ deletedBy: USER.Rachel });
      await expect(sandbox.control.deleteOpportunity(OPP.Ada)).rejects.toThrow(/-> 404/);
      await expect(sandbox.control.deleteOpportunity(OPP.Alan, { deletedBy: 'nobody' })).rejects.toThrow(/-> 400/);
    });
  });

  describe('placing a candidate in a stage', () => {
    it('places without a webhook at a chosen time: stageChanges, lastAdvancedAt and updatedAt carry it', async () => {
      const at = Date.now() - 4 * DAY;
      await sandbox.control.moveCandidate(OPP.Ada, 'Coding Test', { webhook: false, at });
      const opp = (await api('GET', `/opportunities/${OPP.Ada}`)).body.data;
      expect(opp).toMatchObject({ stage: STAGE.CodingTest, lastAdvancedAt: at, updatedAt: at });
      expect(opp.stageChanges.at(-1)).toMatchObject({ toStageId: STAGE.CodingTest, updatedAt: at });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.received).toEqual([]);
      expect(await sandbox.control.deliveries()).toEqual([]);
    });

    it('re-dates the entry when the candidate already is in that stage', async () => {
      const at = Date.now() - 4 * DAY;
      await sandbox.control.moveCandidate(OPP.Ada, 'New applicant', { webhook: false, at });
      const opp = (await api('GET', `/opportunities/${OPP.Ada}`)).body.data;
      expect(opp.stageChanges).toHaveLength(1);
      expect(opp.stageChanges[0]).toMatchObject({ toStageId: STAGE.NewApplicant, updatedAt: at });
      expect(opp.lastAdvancedAt).toBe(at);
    });

    it("sends the stage change with triggeredAt = the change's updatedAt", async () => {
      const at = Date.now() - 2 * DAY;
      await sandbox.control.moveCandidate(OPP.Grace, 'Onsite', { at });
      const [body] = await received(1);
      expect(body).toMatchObject({ event: 'candidateStageChange', triggeredAt: at, data: { toStageId: STAGE.Onsite } });
      expect(verifyLeverWebhook(body, [TOKENS.candidateStageChange], { now: at })).toBe('valid');
      await api('PUT', `/opportunities/${OPP.Ada}/stage`, { body: { stage: STAGE.Offer } });
      const bodies = await received(2);
      const state = await sandbox.control.opportunity(OPP.Ada);
      expect(bodies[1].triggeredAt).toBe(state.stageChanges.at(-1)!.updatedAt);
    });

    it('rejects a bad at or webhook option', async () => {
      await expect(sandbox.control.moveCandidate(OPP.Ada, 'Onsite', { at: Date.now() + DAY })).rejects.toThrow(/-> 400/);
      await expect(sandbox.control.moveCandidate(OPP.Ada, 'Onsite', { webhook: 'no' as unknown as boolean })).rejects.toThrow(/-> 400/);
    });
  });

  describe('GET /v1/opportunities filters and paging', () => {
    it('filters by stage_id (OR), tag (OR) and archived=false, and returns the reconciliation fields', async () => {
      const inScreen = await api('GET', `/opportunities?stage_id=${STAGE.RecruiterScreen}&stage_id=${STAGE.Onsite}`);
      expect(ids(inScreen.body.data)).toEqual([OPP.Grace, OPP.KatherineArchived]);
      const active = await api('GET', `/opportunities?stage_id=${STAGE.RecruiterScreen}&stage_id=${STAGE.Onsite}&archived=false`);
      expect(ids(active.body.data)).toEqual([OPP.Grace]);
      expect(active.body.data[0]).toMatchObject({
        stageChanges: [{ toStageId: STAGE.RecruiterScreen, updatedAt: expect.any(Number) }],
        lastAdvancedAt: expect.any(Number),
        tags: ['Full-time'],
        archived: null,
        followers: [],
        confidentiality: 'non-confidential',
      });
      expect(ids((await api('GET', '/opportunities?archived=true')).body.data)).toEqual([OPP.KatherineArchived]);
      expect((await api('GET', '/opportunities?archived=maybe')).status).toBe(400);
      const tagged = await api('GET', '/opportunities?tag=Full-time&tag=Python%20Advanced&archived=false');
      expect(ids(tagged.body.data)).toEqual([OPP.Alan, OPP.Grace]);
    });

    it('filters by updated_at_start / updated_at_end (inclusive) and rejects bad timestamps', async () => {
      const at = Date.now() - 3 * DAY;
      await sandbox.control.moveCandidate(OPP.Ada, 'Onsite', { webhook: false, at });
      expect(ids((await api('GET', `/opportunities?updated_at_start=${at}&updated_at_end=${at}`)).body.data)).toEqual([OPP.Ada]);
      expect((await api('GET', '/opportunities?updated_at_start=yesterday')).status).toBe(400);
    });

    it('hides confidential opportunities unless confidentiality=all, and pages them with Lever tokens', async () => {
      const candidates = Array.from({ length: 7 }, (_, i) => ({
        name: `C${i}`,
        confidentiality: i % 2 ? 'confidential' : 'non-confidential',
        stage: 'Onsite',
        tags: ['Sweep'],
      }));
      const { apiKey, company } = await createTestCompany(sandbox.control, { candidates });
      const all = company.opportunities.map((o) => o.id);
      const open = all.filter((_, i) => i % 2 === 0);
      expect(ids((await api('GET', '/opportunities', { key: apiKey })).body.data)).toEqual(open);
      expect(ids((await api('GET', '/opportunities?confidentiality=confidential', { key: apiKey })).body.data)).toEqual(
        all.filter((_, i) => i % 2 === 1),
      );
      expect((await api('GET', '/opportunities?confidentiality=secret', { key: apiKey })).status).toBe(400);

      const seen: string[] = [];
      const pages: { hasNext: boolean; next?: string }[] = [];
      let offset: string | undefined;
      do {
        const q = `confidentiality=all&tag=Sweep&limit=3${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`;
        const res = await api('GET', `/opportunities?${q}`, { key: apiKey });
        expect(res.status).toBe(200);
        seen.push(...ids(res.body.data));
        pages.push({ hasNext: res.body.hasNext, next: res.body.next });
        offset = res.body.hasNext ? res.body.next : undefined;
      } while (offset);
      expect(seen).toEqual(all);
      expect(pages.map((p) => p.hasNext)).toEqual([true, true, false]);
      expect(pages[2].next).toBeUndefined();
      // A token belongs to its filter set: reusing it without confidentiality=all is a 400.
      const first = await api('GET', '/opportunities?confidentiality=all&limit=3', { key: apiKey });
      expect((await api('GET', `/opportunities?limit=3&offset=${encodeURIComponent(first.body.next)}`, { key: apiKey })).status).toBe(400);
      const opp = (await api('GET', `/opportunities/${all[1]}`, { key: apiKey })).body.data;
      expect(opp.confidentiality).toBe('confidential');
    });
  });
});
