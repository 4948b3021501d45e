import { createHash } from 'node:crypto';
import { signLeverWebhook, signPlatformPayload } from '@lever-assess/common';
import { AccountStatus } from '@lever-assess/domain';
import type { AddResult, LeverEventJob, PlatformEventJob } from '@lever-assess/queues';
import fc from 'fast-check';
import type { AccountCache } from '../account-cache/account-cache.service';
import type { CachedAccount } from '../account-cache/cached-account';
import { GatewayEnv } from '../config';
import { parseLeverEnvelope, parseStageChange } from './lever-envelope.parser';
import { LeverWebhookService, deliveryFingerprint } from './lever-webhook.service';
import { PlatformWebhookService } from './platform-webhook.service';
import type { LeverTokenUse, WebhookEnqueuer } from './webhook-enqueuer';
import { InvalidWebhookBodyError, WebhookRefusedError } from './webhook.errors';

// Hostile input to the gateway's two webhooks: whatever arrives, the answer is a 2xx or a typed
// refusal (400 for a malformed body, 401 for a signature), never another exception (a 500), and
// nothing unsigned reaches a queue. A few hundred runs each keep the unit tier fast.
const RUNS = { numRuns: 300 };

/** Values a JSON body can put in a field, plus a few a JSON parser never makes. */
const anyField = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  fc.constantFrom(undefined, null, NaN, Infinity, -1, 0, '', ' ', '0', '01431454330072', 'x'.repeat(300), { toString: 'x' }),
);
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
/** Delivery tokens, often ending in digits: `token + triggeredAt` is what Lever signs. */
const deliveryToken = fc
  .tuple(fc.stringMatching(/^[\x21-\x7e]{1,48}$/), fc.stringMatching(/^[0-9]{0,3}$/))
  .map(([head, digits]) => head + digits);

/** A Lever envelope whose every field may be of the wrong type or shape. */
const hostileEnvelope = fc.record(
  {
    token: fc.oneof(anyField, deliveryToken),
    triggeredAt: fc.oneof(anyField, fc.integer(), fc.stringMatching(/^\d{1,20}$/)),
    signature: fc.oneof(anyField, hex64),
    event: fc.oneof(anyField, fc.constantFrom('candidateStageChange', 'candidateHired', '__proto__', 'toString')),
    data: fc.oneof(
      anyField,
      fc.record({ opportunityId: anyField, candidateId: anyField, fromStageId: anyField, toStageId: anyField }, { requiredKeys: [] }),
    ),
  },
  { requiredKeys: [] },
);
const anyBody = fc.oneof(anyField, hostileEnvelope);

/** Accepts or refuses like the service does: a typed refusal of 400/401, or an answer. */
async function answerOf(promise: Promise<{ httpStatus: number }>): Promise<number> {
  try {
    return (await promise).httpStatus;
  } catch (err) {
    if (!(err instanceof WebhookRefusedError)) throw err;
    expect([400, 401]).toContain(err.httpStatus);
    return err.httpStatus;
  }
}

class RecordingEnqueuer {
  readonly leverJobs: LeverEventJob[] = [];
  readonly platformJobs: PlatformEventJob[] = [];
  readonly tokens = new Map<string, string>();

  asEnqueuer(): WebhookEnqueuer {
    return this as unknown as WebhookEnqueuer;
  }
  async recordLeverToken(accountId: string, token: string, fingerprint: string): Promise<LeverTokenUse> {
    const earlier = this.tokens.get(`${accountId} ${token}`);
    if (earlier === undefined) this.tokens.set(`${accountId} ${token}`, fingerprint);
    return earlier === undefined ? 'first' : earlier === fingerprint ? 'repeat' : 'reused';
  }
  async enqueueLeverEvent(job: LeverEventJob): Promise<AddResult> {
    if (this.leverJobs.some((j) => j.deliveryToken === job.deliveryToken)) return 'duplicate';
    this.leverJobs.push(job);
    return 'accepted';
  }
  async leverEventExists(): Promise<boolean> {
    return false;
  }
  async enqueuePlatformEvent(job: PlatformEventJob): Promise<AddResult> {
    this.platformJobs.push(job);
    return 'accepted';
  }
}

describe('the Lever webhook on hostile input', () => {
  const STAGE_TOKEN = 'stage-change-signature-token';
  const account: CachedAccount = {
    accountId: '6f1c2a7e-0000-4000-8000-000000000001',
    webhookKey: 'key-acme',
    status: AccountStatus.Active,
    tokens: { stageChange: STAGE_TOKEN, perEvent: { candidateHired: 'hired-token' } },
  };
  const cache = { isLoaded: true, get: (key: string) => (key === account.webhookKey ? account : undefined) } as unknown as AccountCache;
  const serviceWith = (enqueuer: RecordingEnqueuer) => new LeverWebhookService(cache, enqueuer.asEnqueuer(), new GatewayEnv());

  it('parseLeverEnvelope and parseStageChange throw nothing but InvalidWebhookBodyError', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        try {
          // The service reads the stage change only from an envelope that parsed.
          parseStageChange(parseLeverEnvelope(body).data);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidWebhookBodyError);
        }
      }),
      RUNS,
    );
  });

  it('refuses (400/401) every unsigned or wrongly signed body, and records or queues nothing', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const enqueuer = new RecordingEnqueuer();
        expect([400, 401]).toContain(await answerOf(serviceWith(enqueuer).receive('key-acme', body, 'req-1')));
        expect(enqueuer.tokens.size).toBe(0);
        expect(enqueuer.leverJobs).toEqual([]);
      }),
      RUNS,
    );
  });

  it('answers a genuinely signed delivery with any event and data by a 2xx or a 400, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryToken, hostileEnvelope, async (token, rest) => {
        const triggeredAt = Date.now() - 1000;
        const body = { ...rest, token, triggeredAt, signature: signLeverWebhook(token, triggeredAt, STAGE_TOKEN) };
        const enqueuer = new RecordingEnqueuer();
        const status = await answerOf(serviceWith(enqueuer).receive('key-acme', body, 'req-1'));
        // A 401 only when the event has its own token (candidateHired) and was signed with the other one.
        if (status === 401) expect(body.event).toBe('candidateHired');
        if (status !== 202) expect(enqueuer.leverJobs).toEqual([]);
      }),
      RUNS,
    );
  });

  // Lever signs `token + triggeredAt` with no separator, so the boundary between them can move.
  it('does not take a captured delivery again with the signed string split differently (token/triggeredAt)', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryToken, fc.integer({ min: 1, max: 60 * 60 * 1000 }), async (token, age) => {
        const triggeredAt = Date.now() - age;
        const signature = signLeverWebhook(token, triggeredAt, STAGE_TOKEN);
        const data = { opportunityId: 'opp-1', toStageId: 'stage-2' };
        const enqueuer = new RecordingEnqueuer();
        const service = serviceWith(enqueuer);
        const original = { token, triggeredAt, signature, event: 'candidateStageChange', data };
        expect(await answerOf(service.receive('key-acme', original, 'req-1'))).toBe(202);

        const signed = `${token}${triggeredAt}`;
        for (let cut = 1; cut < signed.length; cut++) {
          const [otherToken, otherAt] = [signed.slice(0, cut), signed.slice(cut)];
          if (otherToken === token || !/^\d+$/.test(otherAt)) continue;
          for (const at of [otherAt, Number(otherAt)]) {
            const replay = { ...original, token: otherToken, triggeredAt: at };
            expect(await answerOf(service.receive('key-acme', replay, 'req-2'))).not.toBe(202);
          }
        }
        expect(enqueuer.leverJobs).toHaveLength(1);
      }),
      RUNS,
    );
  });
});

describe('the platform callback on hostile input', () => {
  const SECRET = 'platform-webhook-secret-for-tests';
  const env = Object.assign(new GatewayEnv(), { PLATFORM_WEBHOOK_SECRET: SECRET });
  const ASSESSMENT_ID = 'a6d1c7e2-1111-4c4c-9a9a-000000000001';
  const hostileCallback = fc.oneof(
    anyField,
    fc.record(
      {
        id: fc.oneof(anyField, fc.string({ minLength: 1, maxLength: 20 })),
        type: fc.oneof(anyField, fc.constantFrom('invitation.scored', 'invitation.started', 'invitation.expired')),
        data: fc.oneof(
          anyField,
          fc.record(
            {
              invitationId: anyField,
              reference: fc.oneof(anyField, fc.constant(ASSESSMENT_ID)),
              score: fc.oneof(anyField, fc.double()),
              reportUrl: anyField,
              occurredAt: fc.oneof(
                anyField,
                fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  );
  const header = fc.option(
    fc.oneof(
      fc.string(),
      fc.stringMatching(/^\d{1,20}$/),
      hex64.map((h) => `v1=${h}`),
    ),
    { nil: undefined },
  );

  it('refuses every callback without a valid signature (401/400) and queues nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.uint8Array({ maxLength: 200 }), { nil: undefined }),
        hostileCallback,
        header,
        header,
        async (raw, body, timestamp, signature) => {
          const enqueuer = new RecordingEnqueuer();
          const service = new PlatformWebhookService(enqueuer.asEnqueuer(), env);
          const request = { rawBody: raw && Buffer.from(raw), body, timestamp, signature, requestId: 'req-1' };
          expect([400, 401]).toContain(await answerOf(service.receive(request)));
          expect(enqueuer.platformJobs).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('answers a genuinely signed callback with any JSON body by a 2xx or a 400, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(hostileCallback, async (value) => {
        // What the HTTP layer hands over: the raw bytes and their parse.
        const json = JSON.stringify(value) ?? 'null';
        const rawBody = Buffer.from(json);
        const timestamp = Date.now();
        const enqueuer = new RecordingEnqueuer();
        const service = new PlatformWebhookService(enqueuer.asEnqueuer(), env);
        const request = {
          rawBody,
          body: JSON.parse(json) as unknown,
          timestamp: String(timestamp),
          signature: signPlatformPayload(rawBody, timestamp, SECRET),
          requestId: 'req-1',
        };
        const status = await answerOf(service.receive(request));
        expect([202, 400]).toContain(status);
        expect(enqueuer.platformJobs).toHaveLength(status === 202 ? 1 : 0);
      }),
      RUNS,
    );
  });
});

describe('delivery fingerprint', () => {
  // What earlier builds recorded in Redis for the replay window: sorted copies, then JSON.stringify.
  // A retry that reaches a newer build during a rolling deploy must find the same fingerprint.
  const sortedCopy = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortedCopy);
    if (typeof value !== 'object' || value === null) return value;
    const object = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(object)
        .sort()
        .map((key) => [key, sortedCopy(object[key])]),
    );
  };
  const earlierBuild = (event: unknown, data: unknown) =>
    createHash('sha256')
      .update(JSON.stringify(sortedCopy([event ?? null, data])))
      .digest('base64url')
      .slice(0, 22);
  const jsonKeys = fc.oneof(fc.string(), fc.constantFrom('0', '1', '2', '10', '01', '4294967294', '4294967295', '-1', '__proto__'));
  const jsonLike = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 1 }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(jsonKeys, tie('value'), { maxKeys: 6 }),
    ),
  })).value;

  it('is the fingerprint earlier builds recorded, for any JSON body', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), jsonLike, (event, data) => {
        expect(deliveryFingerprint({ event, data: data as Record<string, unknown> })).toBe(earlierBuild(event, data));
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on key order', () => {
    const a = { opportunityId: 'o1', toStageId: 's2', nested: { b: 1, a: [{ y: 2, x: 1 }] } };
    const b = { nested: { a: [{ x: 1, y: 2 }], b: 1 }, toStageId: 's2', opportunityId: 'o1' };
    expect(deliveryFingerprint({ event: 'candidateStageChange', data: a })).toBe(
      deliveryFingerprint({ event: 'candidateStageChange', data: b }),
    );
    expect(deliveryFingerprint({ event: 'candidateStageChange', data: a })).not.toBe(
      deliveryFingerprint({ event: 'candidateHired', data: a }),
    );
  });
});
