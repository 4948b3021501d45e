import { CandidateEventType } from '@lever-assess/domain';
import { CandidateEventsRepository } from '@lever-assess/persistence';
import * as testing from '@lever-assess/testing';
import { ConfigApiHarness } from './config-api.harness';

describe('config-api candidate timeline', () => {
  let h: ConfigApiHarness;
  let account: { id: string };
  let events: CandidateEventsRepository;

  beforeAll(async () => {
    h = await ConfigApiHarness.start('cfg_timeline', testing);
    account = await h.createAccount();
    events = h.app.get(CandidateEventsRepository);
  });
  afterAll(async () => {
    await h?.close();
  });

  const path = (query: string, accountId = account.id) => `/v1/accounts/${accountId}/events${query}`;
  const at = (s: number) => new Date(Date.parse('2026-03-01T09:00:00Z') + s * 1000);

  it('lists one candidate’s steps oldest first, with their correlation ids, and only that candidate’s', async () => {
    const base = { accountId: account.id, opportunityId: 'opp-timeline' };
    await events.append([
      { ...base, type: CandidateEventType.LeverTagsAdded, correlationId: 'tok-1', at: at(3), detail: { tags: ['Acme Test - Sent'] } },
      { ...base, type: CandidateEventType.WebhookReceived, correlationId: 'tok-1', at: at(1), detail: { outcome: 'sent' } },
      {
        ...base,
        type: CandidateEventType.InvitationCreated,
        correlationId: 'tok-1',
        at: at(2),
        assessmentId: '0b8f5c8e-3e55-4a5e-9d8f-3d2f1f6f7a10',
      },
      { ...base, opportunityId: 'opp-other', type: CandidateEventType.WebhookReceived, correlationId: 'tok-2', at: at(0) },
    ]);

    const res = await h.call('GET', path('?opportunityId=opp-timeline'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        { at: at(1).toISOString(), type: 'webhook.received', correlationId: 'tok-1', assessmentId: null, detail: { outcome: 'sent' } },
        {
          at: at(2).toISOString(),
          type: 'invitation.created',
          correlationId: 'tok-1',
          assessmentId: '0b8f5c8e-3e55-4a5e-9d8f-3d2f1f6f7a10',
          detail: {},
        },
        {
          at: at(3).toISOString(),
          type: 'lever.tags_added',
          correlationId: 'tok-1',
          assessmentId: null,
          detail: { tags: ['Acme Test - Sent'] },
        },
      ],
    });

    const first = await h.call('GET', path('?opportunityId=opp-timeline&limit=1'));
    expect(first.body.data.map((e: { type: string }) => e.type)).toEqual(['webhook.received']);
    await expect(h.call('GET', path('?opportunityId=opp-unknown'))).resolves.toMatchObject({ status: 200, body: { data: [] } });
  });

  it('needs the admin token', async () => {
    expect((await h.call('GET', path('?opportunityId=opp-timeline'), { token: null })).status).toBe(401);
    expect((await h.call('GET', path('?opportunityId=opp-timeline'), { token: 'wrong' })).status).toBe(401);
  });

  it('validates the query and answers 404 for an unknown account', async () => {
    for (const query of ['', '?opportunityId=', `?opportunityId=${'x'.repeat(201)}`]) {
      const res = await h.call('GET', path(query));
      expect({ query, status: res.status, fields: res.body.fields?.map((f: { field: string }) => f.field) }).toEqual({
        query,
        status: 400,
        fields: ['opportunityId'],
      });
    }
    for (const limit of ['0', '1001', 'x', '1.5']) {
      const res = await h.call('GET', path(`?opportunityId=o&limit=${limit}`));
      expect({ limit, status: res.status }).toEqual({ limit, status: 400 });
    }
    expect((await h.call('GET', path('?opportunityId=o&limit=1000'))).status).toBe(200);
    expect((await h.call('GET', path('?opportunityId=o', 'not-a-uuid'))).status).toBe(400);
    const missing = await h.call('GET', path('?opportunityId=o', '00000000-0000-4000-8000-000000000000'));
    expect(missing).toMatchObject({ status: 404, body: { error: 'ACCOUNT_NOT_FOUND' } });
  });
});
