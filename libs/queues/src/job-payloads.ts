import {
  LEVER_LIFECYCLE_EVENTS,
  LeverEventName,
  PLATFORM_EVENT_TYPES,
  type LeverLifecycleEventName,
  type PlatformEventType,
} from '@lever-assess/domain';
import type { QueueName } from './queue-names';

/**
 * Job payloads, declared once for producers and consumers. They carry ids and event facts only
 * (claim check): consumers reload current state from Postgres and Lever. Timestamps are ISO strings
 * (JSON-safe). `correlationId` follows a trigger from the webhook to the Lever write, in every log line.
 */
export interface LeverEventJob {
  accountId: string;
  opportunityId: string;
  candidateId: string;
  /** Null when Lever sends no fromStageId (first stage). */
  fromStageId: string | null;
  toStageId: string;
  triggeredAt: string;
  deliveryToken: string;
  correlationId: string;
}

/**
 * A Lever lifecycle event (archived, hired, deleted): the dispatcher cancels what is pending for
 * the opportunity (DESIGN.md "Lifecycle"). Same queue as stage changes, told apart by `event`
 * (a stage-change job has none: jobs queued before lifecycle events existed stay valid).
 */
export interface LeverLifecycleJob {
  event: LeverLifecycleEventName;
  accountId: string;
  opportunityId: string;
  candidateId: string;
  triggeredAt: string;
  deliveryToken: string;
  correlationId: string;
}

/** What `lever-events` carries. */
export type LeverEventsJob = LeverEventJob | LeverLifecycleJob;

export function isLifecycleJob(job: LeverEventsJob): job is LeverLifecycleJob {
  return 'event' in job && job.event !== undefined;
}

export interface PlatformEventJob {
  eventId: string;
  type: PlatformEventType;
  invitationId: string;
  /** Our assessment id, echoed back by the platform. */
  reference: string;
  score: number | null;
  reportUrl: string | null;
  occurredAt: string;
  correlationId: string;
}

export interface LeverSyncJob {
  accountId: string;
  opportunityId: string;
  assessmentId: string;
  correlationId: string;
}

/** Why a sweep runs: the cluster-wide schedule, or an admin's `POST /v1/accounts/:id/sweep`. */
export const SWEEP_REASONS = ['schedule', 'admin'] as const;
export type SweepReason = (typeof SWEEP_REASONS)[number];

/**
 * The `accountId` of the job the sweep scheduler makes every interval: it fans out one
 * account-sweep job per active account (one schema for the queue; '*' is no account id).
 */
export const SWEEP_ALL_ACCOUNTS = '*';

/** `account-sweeps`: reconcile one account with Lever (docs/sweep.md). */
export interface AccountSweepJob {
  /** An account id, or SWEEP_ALL_ACCOUNTS for the scheduler's fan-out job. */
  accountId: string;
  reason: SweepReason;
  correlationId: string;
}

/**
 * What one account sweep found and did: the account-sweep job's return value, answered by
 * `POST /v1/accounts/:id/sweep`. Times are ISO strings.
 */
export interface AccountSweepResult {
  accountId: string;
  startedAt: string;
  finishedAt: string;
  /** Each trigger stage listed: opportunities seen and pages read. */
  stages: { stageId: string; listed: number; pages: number }[];
  /** Stage changes enqueued on lever-events as missed webhooks. */
  invited: { opportunityId: string; stageId: string; enteredAt: string; jobId: string }[];
  /** Candidates in a trigger stage left alone, by reason. */
  skipped: { beforeLookback: number; beforeRule: number; alreadyHandled: number };
  /** Opportunities whose status tag differed from their assessment's: lever-sync enqueued. */
  tagsRepaired: { opportunityId: string; assessmentId: string }[];
  /** Recruiter action tags handled (or only removed, when acted on earlier). */
  actions: { opportunityId: string; action: string; assessmentId: string | null; outcome: string }[];
  /** Lever requests this sweep sent. */
  leverRequests: number;
  /** False when a listing stopped at its page limit. */
  complete: boolean;
}

export interface JobPayloads {
  'lever-events': LeverEventsJob;
  'platform-events': PlatformEventJob;
  'lever-sync': LeverSyncJob;
  'account-sweeps': AccountSweepJob;
}
export type JobOf<Q extends QueueName> = JobPayloads[Q];

/** A payload read from Redis that does not match its queue's shape; never retried. */
export class InvalidJobPayloadError extends Error {
  readonly code = 'INVALID_JOB_PAYLOAD';
  constructor(queue: QueueName, problem: string) {
    super(`Invalid ${queue} job payload: ${problem}`);
    this.name = 'InvalidJobPayloadError';
  }
}

type Check = (value: unknown) => string | null;
const str: Check = (v) => (typeof v === 'string' && v.length > 0 && v.length <= 512 ? null : 'must be a non-empty string');
const nullableStr: Check = (v) => (v === null ? null : str(v));
const isoDate: Check = (v) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? null : 'must be an ISO timestamp');
const nullableScore: Check = (v) => (v === null || (typeof v === 'number' && Number.isFinite(v)) ? null : 'must be a number or null');
const eventType: Check = (v) =>
  (PLATFORM_EVENT_TYPES as readonly unknown[]).includes(v) ? null : `must be one of ${PLATFORM_EVENT_TYPES.join(', ')}`;

const sweepReason: Check = (v) => ((SWEEP_REASONS as readonly unknown[]).includes(v) ? null : `must be one of ${SWEEP_REASONS.join(', ')}`);

const lifecycleEvent: Check = (v) =>
  (LEVER_LIFECYCLE_EVENTS as readonly unknown[]).includes(v) ? null : `must be one of ${LEVER_LIFECYCLE_EVENTS.join(', ')}`;

const LIFECYCLE_SCHEMA: Record<keyof LeverLifecycleJob, Check> = {
  event: lifecycleEvent,
  accountId: str,
  opportunityId: str,
  candidateId: str,
  triggeredAt: isoDate,
  deliveryToken: str,
  correlationId: str,
};

/** `lever-events` holds two shapes: the schema follows the payload's `event`. */
type Schemas = { [Q in Exclude<QueueName, 'lever-events'>]: Record<keyof JobPayloads[Q], Check> } & {
  'lever-events': Record<keyof LeverEventJob, Check>;
};

const SCHEMAS: Schemas = {
  'lever-events': {
    accountId: str,
    opportunityId: str,
    candidateId: str,
    fromStageId: nullableStr,
    toStageId: str,
    triggeredAt: isoDate,
    deliveryToken: str,
    correlationId: str,
  },
  'platform-events': {
    eventId: str,
    type: eventType,
    invitationId: str,
    reference: str,
    score: nullableScore,
    reportUrl: nullableStr,
    occurredAt: isoDate,
    correlationId: str,
  },
  'lever-sync': { accountId: str, opportunityId: str, assessmentId: str, correlationId: str },
  'account-sweeps': { accountId: str, reason: sweepReason, correlationId: str },
};

/**
 * Validates a payload read from Redis (untrusted: written by another version or by hand) and
 * returns it typed, keeping only declared fields.
 * @throws InvalidJobPayloadError naming the first bad field
 */
export function parseJobPayload<Q extends QueueName>(queue: Q, data: unknown): JobOf<Q> {
  if (typeof data !== 'object' || data === null) throw new InvalidJobPayloadError(queue, 'not an object');
  const event = (data as Record<string, unknown>).event;
  const lifecycle = queue === 'lever-events' && event !== undefined && event !== LeverEventName.StageChange;
  const schema = (lifecycle ? LIFECYCLE_SCHEMA : SCHEMAS[queue]) as Record<string, Check>;
  const out: Record<string, unknown> = {};
  for (const [field, check] of Object.entries(schema)) {
    const value = (data as Record<string, unknown>)[field];
    const problem = check(value);
    if (problem) throw new InvalidJobPayloadError(queue, `${field} ${problem}`);
    out[field] = value;
  }
  return out as unknown as JobOf<Q>;
}
