import { PlatformClient } from '@lever-assess/platform-client';
import { TEST_API_KEY, startSandbox, type RunningSandbox } from './support/start-sandbox';

describe('platform sandbox HTTP surface', () => {
  let sandbox: RunningSandbox;
  let client: PlatformClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ PLATFORM_PUBLIC_URL: 'http://sandbox.test:4020' });
    client = new PlatformClient({ baseUrl: sandbox.url, apiKey: TEST_API_KEY, retryBaseDelayMs: 10 });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    await sandbox.control('POST', '/reset');
  });

  const path = (url: string) => new URL(url).pathname;

  it('serves candidate, interviewer and report pages with escaped candidate data', async () => {
    const invitation = await client.createInvitation(
      {
        testId: 'tst_live_pairing',
        kind: 'live_interview',
        timeLimitMinutes: 60,
        candidate: { name: '<script>x</script> Ada', email: 'ada@example.com' },
        reference: 'asm-1',
        accountId: 'acct-1',
      },
      'asm-1',
    );
    expect(invitation.candidateUrl.startsWith('http://sandbox.test:4020/pads/')).toBe(true);

    for (const url of [invitation.candidateUrl, invitation.interviewerUrl!]) {
      const res = await fetch(sandbox.url + path(url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('&lt;script&gt;x&lt;/script&gt; Ada');
      expect(html).not.toContain('<script>x</script>');
      expect(html).not.toContain('ada@example.com');
    }
    const pending = await (await fetch(`${sandbox.url}/reports/${invitation.id}`)).text();
    expect(pending).toContain('not ready');
    await sandbox.control('POST', `/invitations/${invitation.id}/score`, { score: 88, send: false });
    const report = await (await fetch(`${sandbox.url}/reports/${invitation.id}`)).text();
    expect(report).toContain('<strong>88</strong>');
    expect((await fetch(`${sandbox.url}/pads/inv_missing`)).status).toBe(404);
  });

  it('requires the bearer key on every /v1 route', async () => {
    for (const [method, route] of [
      ['GET', '/v1/tests'],
      ['POST', '/v1/invitations'],
      ['GET', '/v1/invitations/x'],
      ['GET', '/v1/invitations?reference=x'],
      ['POST', '/v1/invitations/x/cancel'],
    ]) {
      const res = await fetch(sandbox.url + route, { method, headers: { authorization: 'Bearer wrong' } });
      expect({ route, status: res.status }).toEqual({ route, status: 401 });
    }
  });

  it('requires an Idempotency-Key on create', async () => {
    const res = await fetch(`${sandbox.url}/v1/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'live_interview',
        timeLimitMinutes: 60,
        candidate: { name: 'A', email: 'a@b.co' },
        reference: 'r',
        accountId: 'a',
      }),
    });
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toMatchObject({ field: 'Idempotency-Key' });
  });

  it('validates fault specs and applies a fault only to matching routes, then stops', async () => {
    await expect(sandbox.control('POST', '/faults', {})).resolves.toMatchObject({ status: 400, body: { field: 'status' } });
    await expect(sandbox.control('POST', '/faults', { status: 200 })).resolves.toMatchObject({ status: 400, body: { field: 'status' } });
    await expect(sandbox.control('POST', '/faults', { status: 500, match: 'everything' })).resolves.toMatchObject({
      status: 400,
      body: { field: 'match' },
    });

    await sandbox.control('POST', '/faults', { status: 500, count: 1, match: 'create' });
    const noRetry = new PlatformClient({ baseUrl: sandbox.url, apiKey: TEST_API_KEY, maxAttempts: 1 });
    await expect(noRetry.listTests('acme')).resolves.toHaveLength(4);
    await expect(noRetry.getInvitation('inv_missing')).rejects.toMatchObject({ code: 'PLATFORM_NOT_FOUND' });
    const req = {
      testId: null,
      kind: 'live_interview' as const,
      timeLimitMinutes: 60,
      candidate: { name: 'A', email: 'a@b.co' },
      reference: 'r',
      accountId: 'a',
    };
    await expect(noRetry.createInvitation(req, 'k')).rejects.toMatchObject({ code: 'PLATFORM_UNAVAILABLE', status: 500 });
    await expect(noRetry.createInvitation(req, 'k')).resolves.toMatchObject({ status: 'sent' });
    expect((await sandbox.control<{ data: unknown[] }>('GET', '/faults')).body.data).toEqual([]);
  });

  it('serves health and metrics', async () => {
    await expect((await fetch(`${sandbox.url}/health/live`)).json()).resolves.toEqual({ status: 'ok' });
    expect((await fetch(`${sandbox.url}/health/ready`)).status).toBe(200);
    await client.listTests();
    const metrics = await (await fetch(`${sandbox.url}/metrics`)).text();
    expect(metrics).toMatch(/platform_requests_total\{method="GET",route="\/v1\/tests",status="200"\} \d+/);
  });
});
