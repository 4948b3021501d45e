import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpCallError, httpCall } from './http-client';

describe('httpCall', () => {
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  const connections = new Set<string>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      connections.add(`${req.socket.remotePort}`);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => handler(req, res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => connections.clear());

  it('sends the method, headers and body, and returns status, text and headers', async () => {
    handler = (req, res, body) => {
      res.setHeader('retry-after', '3');
      res
        .writeHead(201)
        .end(JSON.stringify({ method: req.method, auth: req.headers.authorization, length: req.headers['content-length'], body }));
    };
    const answer = await httpCall(`${base}/x?a=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: '{"é":1}',
      timeoutMs: 2_000,
    });
    expect(answer.status).toBe(201);
    expect(answer.header('retry-after')).toBe('3');
    expect(answer.header('x-missing')).toBeUndefined();
    expect(JSON.parse(answer.text)).toEqual({ method: 'POST', auth: 'Bearer k', length: '8', body: '{"é":1}' });
  });

  it('reuses one kept-alive connection for calls one after another', async () => {
    handler = (_req, res) => res.end('ok');
    for (let i = 0; i < 5; i++) await httpCall(`${base}/`, { method: 'GET', headers: {}, timeoutMs: 2_000 });
    expect(connections.size).toBe(1);
  });

  it('times out when the server stalls in the middle of the body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    };
    const err = await httpCall(`${base}/`, { method: 'GET', headers: {}, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpCallError);
    expect(err).toMatchObject({ kind: 'timeout', notSent: false });
  });

  it('refuses an answer larger than the bound', async () => {
    handler = (_req, res) => res.end('x'.repeat(5_000));
    const err = await httpCall(`${base}/`, { method: 'GET', headers: {}, timeoutMs: 2_000, maxResponseBytes: 1_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ kind: 'network', code: 'ETOOLARGE' });
  });

  it('reports a refused connection as certainly not sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await httpCall(`http://127.0.0.1:${port}/`, { method: 'POST', headers: {}, body: '{}', timeoutMs: 2_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', notSent: true });
  });

  it('ends a call when its signal aborts, and refuses one whose signal has already aborted', async () => {
    handler = () => undefined; // never answers
    const abort = new AbortController();
    const call = httpCall(`${base}/`, { method: 'GET', headers: {}, timeoutMs: 5_000, signal: abort.signal }).catch((e: unknown) => e);
    setTimeout(() => abort.abort(), 50);
    expect(await call).toMatchObject({ kind: 'network', code: 'ABORTED' });
    await expect(httpCall(`${base}/`, { method: 'GET', headers: {}, timeoutMs: 5_000, signal: abort.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it('rejects a URL that is not http or https', async () => {
    await expect(httpCall('ftp://example.com/', { method: 'GET', headers: {}, timeoutMs: 100 })).rejects.toThrow(/unsupported URL scheme/);
  });
});
