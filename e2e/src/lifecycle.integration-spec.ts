import { eventually } from '@lever-assess/testing';
import { ACME_COMPANY_ID, FlowHarness, expectNoSecretLogged } from './flow-harness';

// Issue 16 end to end, every app a real process: Lever's lifecycle events (archived, hired,
// deleted), each signed with its own token by the Lever sandbox, cancel what is pending; a revoked
// key parks the work and a key replaced through the config API resumes it.
describe('Lifecycle: archived, hired and deleted candidates; a revoked key', () => {
  const harness = new FlowHarness();
  let run = 0;
  const email = () => `life-${process.pid}-${++run}@candidates.example`;
  const control = (method: string, path: string, body?: unknown) => harness.json(method, `${harness.leverUrl}/_sandbox${path}`, body);

  beforeAll(() => harness.start({ configApi: true }), 120_000);
  afterAll(() => harness.stop(), 120_000);

  /** A candidate moved to Coding Test who got the test and the Sent tag. */
  async function sentCandidate(name: string) {
    const address = email();
    const id = await harness.addCandidate(name, [address]);
    await harness.moveTo(id, 'Coding Test');
    const invitation = await harness.invitationFor(address);
    await harness.untilStatus(id, 'Sent');
    return { id, address, invitation };
  }

  const invitationStatus = async (invitationId: string) => (await harness.invitations()).find((i) => i.id === invitationId)?.status;
  const demoAccountId = async () => (await harness.admin<{ items: { id: string }[] }>('GET', '/v1/accounts')).items[0].id;

  it('archiving cancels the pending invitation on the platform and shows Canceled; unarchiving sends nothing', async () => {
    const { id, address, invitation } = await sentCandidate('Archie Archived');

    await control('PUT', `/opportunities/${id}/archived`, { reason: 'Withdrew' });

    await harness.untilStatus(id, 'Canceled');
    expect(await invitationStatus(invitation.id)).toBe('canceled');
    const deliveries = await harness.deliveriesFor(id);
    expect(deliveries.map((d) => d.body.event)).toContain('candidateArchiveChange');

    await control('PUT', `/opportunities/${id}/archived`, { reason: null });
    await eventually(async () => (await harness.deliveriesFor(id)).filter((d) => d.state === 'delivered').length === deliveries.length + 1);
    await harness.idle();
    expect((await harness.invitations()).filter((i) => i.request.candidate.email === address)).toHaveLength(1);
    expect(harness.statusTags(await harness.candidate(id))).toEqual(['Acme Test - Canceled']);

    // The timeline tells the story in order, each step under its delivery.
    const accountId = await demoAccountId();
    const { data } = await harness.admin<{ data: { type: string; detail: Record<string, unknown> }[] }>(
      'GET',
      `/v1/accounts/${accountId}/events?opportunityId=${id}`,
    );
    const types = data.map((e) => e.type);
    expect(types.indexOf('invitation.created')).toBeLessThan(types.indexOf('assessment.canceled'));
    expect(data.find((e) => e.type === 'webhook.received' && e.detail.event === 'candidateArchiveChange')?.detail.outcome).toBe('canceled');
    expect(data.some((e) => e.type === 'lever.tags_added' && (e.detail.tags as string[]).includes('Acme Test - Canceled'))).toBe(true);
  });

  it('hiring cancels a pending test, and keeps one whose result already came in', async () => {
    const pending = await sentCandidate('Hana Hired');
    const finished = await sentCandidate('Finn Finished');
    await harness.platform(`/invitations/${finished.invitation.id}/complete`);
    await harness.untilStatus(finished.id, 'Needs Review');

    await control('POST', `/opportunities/${pending.id}/hire`, {});
    await control('POST', `/opportunities/${finished.id}/hire`, {});

    await harness.untilStatus(pending.id, 'Canceled');
    expect(await invitationStatus(pending.invitation.id)).toBe('canceled');
    await harness.idle();
    expect(harness.statusTags(await harness.candidate(finished.id))).toEqual(['Acme Test - Needs Review']);
    // Its score still arrives and shows.
    await harness.platform(`/invitations/${finished.invitation.id}/score`, { score: 90 });
    await harness.untilStatus(finished.id, 'Pass');
  });

  it('deleting the candidate in Lever cancels the invitation and purges their personal data, keeping an anonymous record', async () => {
    const { id, invitation } = await sentCandidate('Dana Deleted');

    await control('DELETE', `/opportunities/${id}`);

    await eventually(async () => (await invitationStatus(invitation.id)) === 'canceled', { timeoutMs: 30_000 });
    const rows = await eventually(async () => {
      const found = await harness.query<Record<string, unknown>>(
        `SELECT status, candidate_url, interviewer_url, report_url, invitation_request, contact_id, platform_invitation_id
           FROM assessments WHERE opportunity_id = $1`,
        [id],
      );
      return found.length === 1 && found[0].candidate_url === null ? found : null;
    });
    expect(rows[0]).toEqual({
      status: 'canceled',
      candidate_url: null,
      interviewer_url: null,
      report_url: null,
      invitation_request: null,
      contact_id: null,
      platform_invitation_id: invitation.id,
    });
    expect(await harness.query(`SELECT 1 FROM lever_opportunity_views WHERE opportunity_id = $1`, [id])).toEqual([]);
    const [audit] = await harness.query<{ entity_id: string; details: { assessmentsScrubbed: number } }>(
      `SELECT entity_id, details FROM audit_log WHERE action = 'candidate.purged' AND entity_id LIKE 'sha256:%' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.details).toEqual({ assessmentsScrubbed: 1 });
    expect(JSON.stringify(await harness.query(`SELECT * FROM candidate_events WHERE opportunity_id = $1`, [id]))).not.toContain(
      'candidates.example',
    );
  });

  // Last: it revokes the demo company's key.
  it('a revoked key parks the work (account disconnected, nothing lost) and a key replaced through the config API resumes it', async () => {
    const address = email();
    const id = await harness.addCandidate('Kai Keyless', [address]);
    const accountId = await demoAccountId();
    await control('POST', '/keys/key_acme_demo/revoke');

    await harness.moveTo(id, 'Coding Test');
    const disconnected = await eventually(async () => {
      const account = await harness.admin<{ status: string; health: { status: string; problem: string | null } }>(
        'GET',
        `/v1/accounts/${accountId}`,
      );
      return account.status === 'disconnected' ? account : null;
    });
    expect(disconnected.health.status).toBe('key_revoked');
    // The job waits parked (a delayed job), so the queues are not idle: nothing was sent meanwhile.
    expect((await harness.invitations()).some((i) => i.request.candidate.email === address)).toBe(false);

    const { apiKey } = (await control('POST', `/companies/${ACME_COMPANY_ID}/keys`, { apiKey: 'e2e-replacement-lever-key' })) as {
      apiKey: string;
    };
    const patched = await harness.admin<{ status: string; health: { status: string } }>('PATCH', `/v1/accounts/${accountId}`, {
      lever: { apiKey },
    });
    expect(patched).toMatchObject({ status: 'active', health: { status: 'unchecked' } });

    await harness.invitationFor(address);
    await harness.untilStatus(id, 'Sent');
  });

  it('logs no secret, per-event signature tokens included', async () => {
    await expectNoSecretLogged(harness);
  });
});
