import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

/**
 * Drops every open connection when the sandbox shuts down. A client that timed out on an
 * injected delay (fetch/undici) leaves its connection half-open, and Node's server.close() then
 * waits for the keep-alive timeout (72 s in Fastify) before the process can exit. Acceptable for a
 * test double; a production app would drain instead.
 */
@Injectable()
export class ConnectionReaper implements BeforeApplicationShutdown {
  constructor(private readonly host: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    (this.host.httpAdapter?.getHttpServer() as Server | undefined)?.closeAllConnections?.();
  }
}
