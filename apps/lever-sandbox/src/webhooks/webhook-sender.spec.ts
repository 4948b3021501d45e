import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppLogger } from '@lever-assess/common';
import type { LeverSandboxEnv } from '../config';
import type { Company, Opportunity } from '../store/sandbox.model';
import { WebhookSender } from './webhook-sender.service';

describe('WebhookSender', () => {
  let server: Server;
  let url: string;
  let hits = 0;

  beforeAll(async () => {
    server = createServer(() => {
      hits++; // never answers: the delivery stays in flight
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('cuts a delivery in flight short on shutdown and does not schedule its retry', async () => {
    const env = { LEVER_SANDBOX_WEBHOOK_RETRIES: 3, LEVER_SANDBOX_WEBHOOK_RETRY_BASE_MS: 20 } as LeverSandboxEnv;
    const logger = { warn: jest.fn(), log: jest.fn(), error: jest.fn(), debug: jest.fn() } as unknown as AppLogger;
    const sender = new WebhookSender(env, logger);
    const company = {
      id: 'co_1',
      webhook: { url, events: ['candidateStageChange'], signatureTokens: {}, signatureToken: 'tok' },
      apiWebhooks: new Map(),
    } as unknown as Company;
    const opportunity = { id: 'opp_1', contactId: 'ct_1', origin: null } as unknown as Opportunity;

    const [delivery] = sender.stageChanged(company, opportunity, null, 'stage_2', Date.now());
    const deadline = Date.now() + 2_000;
    while (hits === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(hits).toBe(1);

    sender.onModuleDestroy();
    await new Promise((r) => setTimeout(r, 200)); // several retry delays
    expect(delivery.attempts).toEqual([expect.objectContaining({ error: 'timeout or shutdown' })]);
    expect(hits).toBe(1);
  });
});
