import {
  PlatformAuthError,
  PlatformClient,
  PlatformNotFoundError,
  PlatformRejectedError,
  PlatformUnavailableError,
  type CreateInvitationRequest,
} from '@lever-assess/platform-client';
import { register } from 'prom-client';
import type { SandboxInvitation } from '../src/invitations/invitation.store';
import { TEST_API_KEY, startSandbox, type RunningSandbox } from './support/start-sandbox';

const takeHome = (reference = 'asm-1'): CreateInvitationRequest => ({
  testId: 'tst_python_basics',
  kind: 'take_home',
  timeLimitMinutes: 120,
  candidate: { name: 'Ada Lovelace', email: 'ada@example.com' },
  reference,
  accountId: 'acct-1',
});

describe('PlatformClient against the platform sandbox', () => {
  let sandbox: RunningSandbox;
  let sut: PlatformClient;

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    await sandbox.control('POST', '/reset');
    sut = new PlatformClient({ baseUrl: sandbox.url, apiKey: TEST_API_KEY, timeoutMs: 2_000, retryBaseDelayMs: 10 });
  });

  const stored = async () =>
    (await sandbox.control<{ data: SandboxInvitation[]; requests: Record<string, number> }>('GET', '/invitations')).body;

  it('lists the seeded catalog: for one platform account, the shared tests and its own', async () => {
    const shared = ['Python Basics', 'Python Advanced', 'JavaScript Fundamentals', 'Live Pairing'];
    const tests = await sut.listTests('acme');
    expect(tests.map((t) => t.name)).toEqual(shared);
    expect(tests.find((t) => t.name === 'Live Pairing')).toMatchObject({ id: 'tst_live_pairing', kind: 'live_interview' });
    expect((await sut.listTests('globex')).map((t) => t.name)).toEqual([...shared, 'Globex Internal Exercise']);
    // Unscoped, the API key sees every account's tests.
    expect(await sut.listTests()).toContainEqual(expect.objectContaining({ id: 'tst_globex_internal', accountId: 'globex' }));
    expect((await stored()).requests['GET /v1/tests']).toBe(3);
  });

  it('creates a take-home invitation with a candidate link, no interviewer link, expiring in 7 days', async () => {
    const before = Date.now();
    const invitation = await sut.createInvitation(takeHome(), 'asm-1');
    expect(invitation.status).toBe('sent');
    expect(invitation.candidateUrl).toMatch(new RegExp(`/pads/${invitation.id}$`));
    expect(invitation.interviewerUrl).toBeNull();
    const days = (Date.parse(invitation.expiresAt) - before) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
  });

  it('gives a live interview without a test an interviewer link', async () => {
    const invitation = await sut.createInvitation({ ...takeHome(), kind: 'live_interview', testId: null }, 'asm-live');
    expect(invitation.interviewerUrl).toMatch(new RegExp(`/pads/${invitation.id}/interviewer$`));
  });

  it('returns the same invitation for the same Idempotency-Key and stores one', async () => {
    const first = await sut.createInvitation(takeHome(), 'asm-1');
    const second = await sut.createInvitation(takeHome(), 'asm-1');
    expect(second).toEqual(first);
    const { data } = await stored();
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ id: first.id, idempotencyKey: 'asm-1', requests: { create: 2 } });
  });

  it('refuses a different body under a used Idempotency-Key', async () => {
    await sut.createInvitation(takeHome(), 'asm-1');
    const err = await sut.createInvitation({ ...takeHome(), timeLimitMinutes: 30 }, 'asm-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformRejectedError);
    expect(err).toMatchObject({ status: 422, field: 'Idempotency-Key', platformCode: 'idempotency_key_reused' });
    expect((await stored()).data).toHaveLength(1);
  });

  it('finds the invitation created under a reference (the way back after a 422 idempotency_key_reused)', async () => {
    const created = await sut.createInvitation(takeHome('asm-9'), 'asm-9');
    await sut.createInvitation(takeHome('asm-other'), 'asm-other');

    await expect(sut.findInvitationsByReference('asm-9')).resolves.toEqual([created]);
    await expect(sut.findInvitationsByReference('asm-never-sent')).resolves.toEqual([]);
    const refused = await sut.findInvitationsByReference('').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PlatformRejectedError);
    expect(refused).toMatchObject({ status: 400, field: 'reference' });
  });

  it('maps a wrong API key to PlatformAuthError without retrying', async () => {
    const wrong = new PlatformClient({ baseUrl: sandbox.url, apiKey: 'nope', retryBaseDelayMs: 10 });
    await expect(wrong.listTests()).rejects.toBeInstanceOf(PlatformAuthError);
    await expect(wrong.createInvitation(takeHome(), 'asm-1')).rejects.toMatchObject({
      code: 'PLATFORM_AUTH_FAILED',
      status: 401,
      retryable: false,
    });
    const { data, requests } = await stored();
    expect(data).toHaveLength(0);
    expect(requests['POST /v1/invitations']).toBe(1);
  });

  it.each<[string, Partial<CreateInvitationRequest> | Record<string, unknown>, string]>([
    ['candidate.email', { candidate: { name: 'Ada', email: '' } }, 'candidate.email is required: the platform emails the candidate'],
    ['testId', { testId: null }, 'testId is required for take_home invitations'],
    ['testId', { testId: 'tst_unknown' }, 'testId does not name a test in the catalog (GET /v1/tests)'],
    ['timeLimitMinutes', { timeLimitMinutes: 0 }, 'timeLimitMinutes is required and must be a positive integer of at most 10080'],
    ['kind', { kind: 'quiz' }, 'kind is required and must be one of take_home, live_interview'],
  ])('surfaces a 400 on %s as PlatformRejectedError with the platform message', async (field, patch, message) => {
    const err = await sut.createInvitation({ ...takeHome(), ...patch } as CreateInvitationRequest, 'asm-bad').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformRejectedError);
    expect(err).toMatchObject({ status: 400, field, platformMessage: message, retryable: false });
    expect((err as Error).message).not.toContain('ada@example.com');
  });

  it('retries 5xx and succeeds, creating one invitation', async () => {
    await sandbox.control('POST', '/faults', { status: 503, count: 2, match: 'create' });
    const invitation = await sut.createInvitation(takeHome(), 'asm-1');
    const { data, requests } = await stored();
    expect(requests['POST /v1/invitations']).toBe(3);
    expect(data.map((i) => i.id)).toEqual([invitation.id]);
  });

  it('gives up with PlatformUnavailableError after maxAttempts of 5xx', async () => {
    await sandbox.control('POST', '/faults', { status: 502, count: 5, match: 'all' });
    const err = await sut.listTests().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformUnavailableError);
    expect(err).toMatchObject({ reason: 'http', status: 502, attempts: 3, retryable: true });
    expect((await stored()).requests['GET /v1/tests']).toBe(3);
  });

  it('honours Retry-After on 429', async () => {
    await sandbox.control('POST', '/faults', { status: 429, retryAfterSeconds: 1, count: 1, match: 'all' });
    const started = Date.now();
    await expect(sut.listTests('acme')).resolves.toHaveLength(4);
    // Lower bound only: a loaded machine can make it slower, never faster.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect((await stored()).requests['GET /v1/tests']).toBe(2);
  });

  it('times out a stalled request and, retried under the same key, still creates one invitation', async () => {
    const impatient = new PlatformClient({
      baseUrl: sandbox.url,
      apiKey: TEST_API_KEY,
      timeoutMs: 200,
      retryBaseDelayMs: 10,
      maxAttempts: 2,
    });
    await sandbox.control('POST', '/faults', { delayMs: 600, count: 1, match: 'create' });
    const invitation = await impatient.createInvitation(takeHome(), 'asm-1');
    // The stalled first request is served after the client gave up; wait until it lands.
    await eventuallyStored(2);
    const { data } = await stored();
    expect(data.map((i) => i.id)).toEqual([invitation.id]);
    expect(data[0].requests.create).toBe(2);
  });

  it('reports timeouts that outlast every attempt as PlatformUnavailableError', async () => {
    const impatient = new PlatformClient({
      baseUrl: sandbox.url,
      apiKey: TEST_API_KEY,
      timeoutMs: 150,
      retryBaseDelayMs: 10,
      maxAttempts: 2,
    });
    await sandbox.control('POST', '/faults', { delayMs: 1_000, count: 2, match: 'all' });
    await expect(impatient.listTests()).rejects.toMatchObject({ code: 'PLATFORM_UNAVAILABLE', reason: 'timeout', attempts: 2 });
  });

  it('reads and cancels an invitation; cancel is idempotent', async () => {
    const invitation = await sut.createInvitation(takeHome(), 'asm-1');
    await expect(sut.getInvitation(invitation.id)).resolves.toEqual({ id: invitation.id, status: 'sent', score: null, reportUrl: null });
    await expect(sut.cancelInvitation(invitation.id)).resolves.toMatchObject({ status: 'canceled' });
    await expect(sut.cancelInvitation(invitation.id)).resolves.toMatchObject({ status: 'canceled' });
    await expect(sut.getInvitation(invitation.id)).resolves.toMatchObject({ status: 'canceled' });
  });

  it('refuses to cancel a scored invitation and reads its score', async () => {
    const invitation = await sut.createInvitation(takeHome(), 'asm-1');
    await sandbox.control('POST', `/invitations/${invitation.id}/score`, { score: 81, send: false });
    await expect(sut.getInvitation(invitation.id)).resolves.toEqual({
      id: invitation.id,
      status: 'scored',
      score: 81,
      reportUrl: `${sandbox.env.PLATFORM_PUBLIC_URL}/reports/${invitation.id}`,
    });
    await expect(sut.cancelInvitation(invitation.id)).rejects.toMatchObject({ code: 'PLATFORM_REJECTED', status: 409 });
  });

  it('maps an unknown invitation to PlatformNotFoundError', async () => {
    await expect(sut.getInvitation('inv_missing')).rejects.toBeInstanceOf(PlatformNotFoundError);
    await expect(sut.cancelInvitation('inv_missing')).rejects.toBeInstanceOf(PlatformNotFoundError);
  });

  it('counts requests per route and status in platform_requests_total', async () => {
    const value = async (status: string) =>
      (await register.getSingleMetric('platform_requests_total')!.get()).values.find(
        (v) => v.labels.route === '/v1/invitations/:id' && v.labels.status === status && v.labels.method === 'GET',
      )?.value ?? 0;
    const before404 = await value('404');
    await sut.getInvitation('inv_missing').catch(() => undefined);
    expect(await value('404')).toBe(before404 + 1);
  });

  async function eventuallyStored(creates: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const { data } = await stored();
      if ((data[0]?.requests.create ?? 0) >= creates) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`never saw ${creates} create requests`);
  }
});
