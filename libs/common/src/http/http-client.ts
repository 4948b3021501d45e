import * as http from 'node:http';
import * as https from 'node:https';

/** What an outgoing call needs; the body is sent as given (the caller serialises it). */
export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  /** Covers connecting, the headers and the whole body: a server that stalls mid-body times out too. */
  timeoutMs: number;
  /** Answers larger than this fail as a network error instead of filling memory (default 10 MiB). */
  maxResponseBytes?: number;
  /** Ends the call early (shutdown): it fails as `network` with the code `ABORTED`. */
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  text: string;
  /** A response header by lower-case name (the first value of a repeated one). */
  header(name: string): string | undefined;
}

/** The call got no complete answer: `timeout`, or `network` with the socket's code (ECONNREFUSED...). */
export class HttpCallError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'HttpCallError';
  }

  /** True when the request certainly never reached the server (nothing can have been stored). */
  get notSent(): boolean {
    return this.kind === 'network' && this.code === 'ECONNREFUSED';
  }
}

const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

// Keep-alive pools shared by every client of the process: a worker talks to a few hosts (Lever,
// the platform) many times a second, and a new TCP (and TLS) connection per call is most of its
// cost. An idle socket is closed after 4 s, before the common 5 s server keep-alive drops it
// under a request.
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo', timeout: 4_000 } as const;
const agents = { 'http:': new http.Agent(AGENT_OPTIONS), 'https:': new https.Agent(AGENT_OPTIONS) };

/**
 * One HTTP request with node:http over a keep-alive pool. Chosen over the global fetch for the
 * workers' outgoing calls: on the bench machine fetch (undici with web streams) cost about
 * 350 us more CPU per request (docs/performance.md), and a worker makes three per candidate.
 * @throws HttpCallError on a timeout, a network failure or an oversized answer
 */
export function httpCall(url: string, call: HttpCall): Promise<HttpAnswer> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
  if (!transport) return Promise.reject(new TypeError(`unsupported URL scheme: ${target.protocol}`));
  const maxBytes = call.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const headers = { ...call.headers };
  if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));

  if (call.signal?.aborted) return Promise.reject(new HttpCallError('network', 'ABORTED', 'aborted before it was sent'));

  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const onAbort = () => fail(new HttpCallError('network', 'ABORTED', 'aborted'));
    const fail = (err: HttpCallError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(err);
    };
    const req = transport.request(target, { method: call.method, headers, agent: agents[target.protocol as 'http:' | 'https:'] }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) fail(new HttpCallError('network', 'ETOOLARGE', `answer larger than ${maxBytes} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', (err: NodeJS.ErrnoException) =>
        fail(new HttpCallError('network', err.code, `network error: ${err.code ?? err.message}`)),
      );
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          text,
          header: (name) => {
            const value = res.headers[name];
            return Array.isArray(value) ? value[0] : value;
          },
        });
      });
    });
    const timer = setTimeout(() => fail(new HttpCallError('timeout', undefined, `no answer within ${call.timeoutMs} ms`)), call.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(new HttpCallError('network', err.code, `network error: ${err.code ?? err.message}`)),
    );
    call.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(call.body);
  });
}
