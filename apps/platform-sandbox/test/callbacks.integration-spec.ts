import { verifyPlatformSignature } from '@lever-assess/common';
import {
  PlatformClient,
  parsePlatformCallback,
  type CreateInvitationRequest,
  type PlatformCallbackEvent,
} from '@lever-assess/platform-client';
import { eventually } from '@lever-assess/testing';
import type { CallbackDelivery, CallbackRecord } from '../src/callbacks/callback-sender';
import { deterministicScore } from '../src/lifecycle/deterministic-score';
import { startCallbackReceiver, type CallbackReceiver, type ReceivedCallback } from './support/callback-receiver';
import { TEST_API_KEY, TEST_WEBHOOK_SECRET, startSandbox, type RunningSandbox } from './support/start-sandbox';

const request: CreateInvitationRequest = {
  testId: 'tst_python_advanced',
  kind: 'take_home',
  timeLimitMinutes: 90,
  candidate: { name: 'Grace Hopper', email: 'grace@example.com' },
  reference: 'asm-42',
  accountId: 'acct-1',
};

/** Verifies the signature over the raw bytes, then parses the body as the gateway would. */
function verified(callback: ReceivedCallback, now = Date.now()): PlatformCallbackEvent {
  const check = verifyPlatformSignature(
    callback.raw,
    callback.headers['x-platform-timestamp'] as string,
    callback.headers['x-platform-signature'] as string,
    TEST_WEBHOOK_SECRET,
    now,
  );
  expect(check).toBe('valid');
  return parsePlatformCallback(callback.json);
}

describe('platform sandbox callbacks', () => {
  let receiver: CallbackReceiver;
  let sandbox: RunningSandbox;
  let client: PlatformClient;

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    sandbox = await startSandbox({ PLATFORM_CALLBACK_URL: receiver.url, CALLBACK_MAX_ATTEMPTS: '3' });
    client = new PlatformClient({ baseUrl: sandbox.url, apiKey: TEST_API_KEY, retryBaseDelayMs: 10 });
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await sandbox.control('POST', '/reset');
    receiver.received.length = 0;
    receiver.respondWith([]);
  });

  const callbacks = async () => (await sandbox.control<{ data: CallbackRecord[] }>('GET', '/callbacks')).body.data;
  const settled = () => eventually(async () => (await callbacks()).every((c) => c.state === 'delivered' || c.state === 'failed'));

  it('sends a signed completed callback, then a signed scored one with score and report link', async () => {
    const invitation = await client.createInvitation(request, 'asm-42');

    const completed = await sandbox.control('POST', `/invitations/${invitation.id}/complete`);
    expect(completed.status).toBe(200);
    await eventually(() => receiver.received.length === 1);
    const scored = await sandbox.control('POST', `/invitations/${invitation.id}/score`, {
      score: 64.5,
      reportUrl: 'https://reports.example/r/1',
    });
    expect(scored).toMatchObject({ status: 200, body: { invitation: { status: 'scored', score: 64.5 } } });
    await eventually(() => receiver.received.length === 2);

    const [first, second] = receiver.received.map((r) => verified(r));
    expect(first).toMatchObject({ type: 'invitation.completed', data: { invitationId: invitation.id, reference: 'asm-42' } });
    expect(first.data.score).toBeUndefined();
    expect(second).toMatchObject({
      type: 'invitation.scored',
      data: { invitationId: invitation.id, reference: 'asm-42', score: 64.5, reportUrl: 'https://reports.example/r/1' },
    });
    expect(first.id).not.toBe(second.id);
    expect(receiver.received[0].headers['content-type']).toBe('application/json');
    // The body is exactly {id, type, data}: no extra fields leak to the receiver.
    expect(Object.keys(receiver.received[1].json as object).sort()).toEqual(['data', 'id', 'type']);
    await expect(client.getInvitation(invitation.id)).resolves.toMatchObject({
      status: 'scored',
      score: 64.5,
      reportUrl: 'https://reports.example/r/1',
    });
    await settled();
    expect((await callbacks()).map((c) => c.state)).toEqual(['delivered', 'delivered']);
  });

  it('scoring an open invitation sends completed before scored', async () => {
    const invitation = await client.createInvitation(request, 'asm-42');
    const scored = await sandbox.control<{ callbacks: { type: string }[] }>('POST', `/invitations/${invitation.id}/score`, { score: 90 });
    expect(scored.body.callbacks.map((c) => c.type)).toEqual(['invitation.completed', 'invitation.scored']);
    await eventually(() => receiver.received.length === 2);
    expect(receiver.received.map((r) => verified(r).type).sort()).toEqual(['invitation.completed', 'invitation.scored']);
  });

  it('sends an expired callback and refuses transitions that make no sense', async () => {
    const invitation = await client.createInvitation(request, 'asm-42');
    await sandbox.control('POST', `/invitations/${invitation.id}/expire`);
    await eventually(() => receiver.received.length === 1);
    expect(verified(receiver.received[0])).toMatchObject({ type: 'invitation.expired', data: { invitationId: invitation.id } });
    await expect(sandbox.control('POST', `/invitations/${invitation.id}/complete`)).resolves.toMatchObject({
      status: 409,
      body: { error: 'invalid_transition' },
    });
    await expect(sandbox.control('POST', `/invitations/${invitation.id}/score`, { score: 50 })).resolves.toMatchObject({ status: 409 });
    await expect(sandbox.control('POST', '/invitations/inv_missing/complete')).resolves.toMatchObject({ status: 404 });
    await expect(sandbox.control('POST', `/invitations/${invitation.id}/score`, { score: 101 })).resolves.toMatchObject({
      status: 400,
      body: { field: 'score' },
    });
  });

  it('retries a delivery the receiver failed with 5xx, signing each attempt afresh', async () => {
    receiver.respondWith([503, 500]);
    const invitation = await client.createInvitation(request, 'asm-42');
    await sandbox.control('POST', `/invitations/${invitation.id}/complete`);
    await settled();

    const [record] = await callbacks();
    expect(record.state).toBe('delivered');
    expect(record.deliveries.map((d) => d.status)).toEqual([503, 500, 202]);
    expect(receiver.received).toHaveLength(3);
    receiver.received.forEach((r) => expect(verified(r).id).toBe(record.id));
  });

  it('gives up after CALLBACK_MAX_ATTEMPTS, and does not retry a 4xx', async () => {
    receiver.respondWith([500, 500, 500, 401]);
    const first = await client.createInvitation(request, 'asm-42');
    await sandbox.control('POST', `/invitations/${first.id}/complete`);
    await settled();
    const second = await client.createInvitation({ ...request, reference: 'asm-43' }, 'asm-43');
    await sandbox.control('POST', `/invitations/${second.id}/complete`);
    await settled();

    const [exhausted, refused] = await callbacks();
    expect(exhausted).toMatchObject({ state: 'failed', invitationId: first.id });
    expect(exhausted.deliveries).toHaveLength(3);
    expect(refused).toMatchObject({ state: 'failed', invitationId: second.id });
    expect(refused.deliveries.map((d) => d.status)).toEqual([401]);
  });

  it('holds callbacks and replays them out of order', async () => {
    const invitation = await client.createInvitation(request, 'asm-42');
    const done = await sandbox.control<{ callbacks: CallbackRecord[] }>('POST', `/invitations/${invitation.id}/score`, {
      score: 70,
      send: false,
    });
    const [completedEvt, scoredEvt] = done.body.callbacks;
    expect(done.body.callbacks.map((c) => c.state)).toEqual(['held', 'held']);
    expect(receiver.received).toHaveLength(0);

    const replayScored = await sandbox.control<{ delivery: CallbackDelivery }>('POST', `/callbacks/${scoredEvt.id}/replay`);
    const replayCompleted = await sandbox.control<{ delivery: CallbackDelivery }>('POST', `/callbacks/${completedEvt.id}/replay`);
    expect(replayScored.body.delivery).toMatchObject({ status: 202, replay: true });
    expect(replayCompleted.body.delivery).toMatchObject({ status: 202, replay: true });

    expect(receiver.received.map((r) => verified(r).type)).toEqual(['invitation.scored', 'invitation.completed']);
    expect((await callbacks()).map((c) => c.state)).toEqual(['delivered', 'delivered']);
    await expect(sandbox.control('POST', '/callbacks/evt_missing/replay')).resolves.toMatchObject({ status: 404 });
  });

  it('replays with an old timestamp so receivers can test their replay window', async () => {
    const invitation = await client.createInvitation(request, 'asm-42');
    const done = await sandbox.control<{ callbacks: CallbackRecord[] }>('POST', `/invitations/${invitation.id}/complete`, { send: false });
    const oldTimestamp = Date.now() - 10 * 60_000;
    await sandbox.control('POST', `/callbacks/${done.body.callbacks[0].id}/replay`, { timestampMs: oldTimestamp });

    const [stale] = receiver.received;
    expect(stale.headers['x-platform-timestamp']).toBe(String(oldTimestamp));
    const check = verifyPlatformSignature(
      stale.raw,
      String(oldTimestamp),
      stale.headers['x-platform-signature'] as string,
      TEST_WEBHOOK_SECRET,
    );
    expect(check).toBe('stale');
    expect(
      verifyPlatformSignature(stale.raw, String(oldTimestamp), stale.headers['x-platform-signature'] as string, 'another-secret-entirely'),
    ).toBe('bad-signature');
  });

  it('reset forgets invitations, callbacks and faults', async () => {
    const invitation = await client.createInvitation(request, 'asm-42');
    await sandbox.control('POST', `/invitations/${invitation.id}/complete`, { send: false });
    await sandbox.control('POST', '/faults', { status: 500, count: 3 });
    await sandbox.control('POST', '/reset');
    expect(await callbacks()).toEqual([]);
    expect((await sandbox.control<{ data: unknown[] }>('GET', '/faults')).body.data).toEqual([]);
    expect((await sandbox.control<{ data: unknown[]; requests: object }>('GET', '/invitations')).body).toEqual({ data: [], requests: {} });
  });
});

describe('platform sandbox auto-complete mode', () => {
  let receiver: CallbackReceiver;
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    sandbox = await startSandbox({ PLATFORM_CALLBACK_URL: receiver.url, AUTO_COMPLETE_AFTER_MS: '100' });
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  it('completes each invitation, then scores it with a deterministic score', async () => {
    const client = new PlatformClient({ baseUrl: sandbox.url, apiKey: TEST_API_KEY });
    const invitation = await client.createInvitation(request, 'asm-auto');
    const canceled = await client.createInvitation({ ...request, reference: 'asm-canceled' }, 'asm-canceled');
    await client.cancelInvitation(canceled.id);

    await eventually(() => receiver.received.length >= 2);
    const events = receiver.received.map((r) => verified(r));
    expect(events.map((e) => e.type)).toEqual(['invitation.completed', 'invitation.scored']);
    expect(events.every((e) => e.data.invitationId === invitation.id)).toBe(true);
    expect(events[1].data.score).toBe(deterministicScore(invitation.id));
    expect(events[1].data.reportUrl).toBe(`${sandbox.env.PLATFORM_PUBLIC_URL}/reports/${invitation.id}`);
    await expect(client.getInvitation(canceled.id)).resolves.toMatchObject({ status: 'canceled' });
  });
});
