import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlatformClient } from './platform-client';
import { PlatformBadResponseError, PlatformRejectedError, PlatformUnavailableError } from './platform.errors';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A scripted fake server for cases the sandbox cannot produce (malformed answers, odd bodies). */
async function fakeServer(handlers: Handler[]): Promise<{ url: string; hits: IncomingMessage[]; server: Server }> {
  const hits: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    hits.push(req);
    const handler = handlers[Math.min(hits.length - 1, handlers.length - 1)];
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

describe(PlatformClient.name, () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it("asks for one platform account's tests and drops another account's even when the platform ignores the filter", async () => {
    const test = (id: string, accountId?: string | null) => ({ id, name: id, kind: 'take_home', durationMinutes: 30, accountId });
    const fake = await fakeServer([
      json(200, { data: [test('shared'), test('shared-null', null), test('mine', 'acme'), test('theirs', 'globex')] }),
    ]);
    server = fake.server;
    const sut = new PlatformClient({ baseUrl: fake.url, apiKey: 'k' });

    const tests = await sut.listTests('acme');

    expect(fake.hits[0].url).toBe('/v1/tests?accountId=acme');
    expect(tests.map((t) => [t.id, t.accountId])).toEqual([
      ['shared', undefined],
      ['shared-null', undefined],
      ['mine', 'acme'],
    ]);
  });

  it('gives up at once, with retryAfterMs, when Retry-After exceeds the retry budget', async () => {
    const fake = await fakeServer([json(429, { error: 'rate_limited' }, { 'retry-after': '120' })]);
    server = fake.server;
    const sut = new PlatformClient({ baseUrl: fake.url, apiKey: 'k', maxRetryDelayMs: 1_000 });

    const err = await sut.listTests().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PlatformUnavailableError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 120_000, attempts: 1, retryable: true, code: 'PLATFORM_UNAVAILABLE' });
    expect(fake.hits).toHaveLength(1);
  });

  it('turns a 2xx that breaks the contract into PlatformBadResponseError naming the field', async () => {
    const fake = await fakeServer([
      json(200, { id: 'inv_1', status: 'sent', candidateUrl: 'not a url', interviewerUrl: null, expiresAt: '2026-01-01T00:00:00Z' }),
    ]);
    server = fake.server;
    const sut = new PlatformClient({ baseUrl: fake.url, apiKey: 'k' });

    const request = {
      testId: 't',
      kind: 'take_home' as const,
      timeLimitMinutes: 60,
      candidate: { name: 'A', email: 'a@x.io' },
      reference: 'r',
      accountId: 'acc',
    };
    const err = await sut.createInvitation(request, 'key-1').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PlatformBadResponseError);
    expect(fake.hits[0].headers['idempotency-key']).toBe('key-1');
    expect((err as Error).message).toContain('candidateUrl');
  });

  it.each<[string, Handler, string, string | undefined]>([
    [
      'nested error object',
      json(422, { error: { code: 'test_retired', message: 'Test is retired', field: 'testId' } }),
      'Test is retired',
      'testId',
    ],
    ['Nest-style message list', json(400, { statusCode: 400, message: ['a is bad', 'b is bad'] }), 'a is bad; b is bad', undefined],
    ['plain text', (_q, res) => res.writeHead(409, { 'content-type': 'text/plain' }).end('conflict here'), 'conflict here', undefined],
    ['empty body', (_q, res) => res.writeHead(400).end(), 'HTTP 400', undefined],
  ])('keeps the platform message from a %s', async (_name, handler, message, field) => {
    const fake = await fakeServer([handler]);
    server = fake.server;
    const sut = new PlatformClient({ baseUrl: fake.url, apiKey: 'k' });

    const err = await sut.cancelInvitation('inv_1').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PlatformRejectedError);
    expect(err).toMatchObject({ platformMessage: message, field, retryable: false, code: 'PLATFORM_REJECTED' });
  });

  it('sends bearer auth, no JSON content-type without a body, and never logs the key', async () => {
    const fake = await fakeServer([json(503, {}), json(200, { id: 'inv_1', status: 'canceled', score: null, reportUrl: null })]);
    server = fake.server;
    const lines: unknown[] = [];
    const logger = { debug: (...a: unknown[]) => lines.push(a), warn: (...a: unknown[]) => lines.push(a) };
    const sut = new PlatformClient({ baseUrl: `${fake.url}/`, apiKey: 'super-secret-key', logger: logger as never, retryBaseDelayMs: 1 });

    await expect(sut.cancelInvitation('inv_1')).resolves.toEqual({ id: 'inv_1', status: 'canceled', score: null, reportUrl: null });

    expect(fake.hits).toHaveLength(2);
    expect(fake.hits[1].url).toBe('/v1/invitations/inv_1/cancel');
    expect(fake.hits[1].headers.authorization).toBe('Bearer super-secret-key');
    expect(fake.hits[1].headers['content-type']).toBeUndefined();
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(lines)).not.toContain('super-secret-key');
  });

  it('reports a refused connection as a network PlatformUnavailableError after maxAttempts', async () => {
    const fake = await fakeServer([json(200, {})]);
    const url = fake.url;
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    const sut = new PlatformClient({ baseUrl: url, apiKey: 'k', maxAttempts: 2, retryBaseDelayMs: 1 });

    const err = await sut.listTests().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PlatformUnavailableError);
    expect(err).toMatchObject({ reason: 'network', attempts: 2 });
  });
});
