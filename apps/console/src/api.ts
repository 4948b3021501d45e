/**
 * The console's only way to the config API: same origin, the session cookie (httpOnly, so this
 * code never sees it), and the session's CSRF token in memory (never in localStorage) sent on
 * every change. Errors become ApiError with a message an admin can act on.
 */

export interface FieldError {
  field: string;
  messages: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }

  /** The messages about one field (`lever.apiKey`, `stageId`), for the form to show beside it. */
  forField(field: string): string | null {
    const found = this.fields.filter((f) => f.field === field || f.field.startsWith(`${field}.`));
    return found.length ? found.flatMap((f) => f.messages).join(' ') : null;
  }
}

let csrfToken: string | null = null;
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server answers 401: the session ended (expired, signed out, token revoked). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The console cannot reach the server. Check that lever-assess is running, then try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok) return json as T;
  const problem = (json ?? {}) as { error?: string; message?: string; fields?: FieldError[] };
  const error = new ApiError(res.status, problem.error ?? `HTTP_${res.status}`, friendlyMessage(res.status, problem), problem.fields ?? []);
  if (res.status === 401 && !path.startsWith('/v1/session')) onSignedOut();
  throw error;
}

function friendlyMessage(status: number, problem: { error?: string; message?: string }): string {
  if (status === 401)
    return problem.message && problem.error === 'SIGN_IN_REFUSED' ? problem.message : 'Your session has ended. Sign in again.';
  // A route this server does not have (an older lever-assess): say so instead of "Cannot POST …".
  if (
    status === 404 &&
    (!problem.message || /^Cannot (GET|POST|PUT|PATCH|DELETE) /.test(problem.message) || /^Route /.test(problem.message))
  ) {
    return 'This server does not offer this yet: it needs a newer version of lever-assess.';
  }
  if (status === 429 || problem.error === 'LEVER_RATE_LIMITED') return 'Lever asks us to slow down. Wait a few seconds and try again.';
  if (status >= 500 && !problem.message) return 'Something went wrong on the server. Try again; if it keeps failing, tell your vendor.';
  return problem.message ?? `The server answered ${status}.`;
}

// ---- Types of the answers the pages use (docs/config-api.md) ----

export interface Session {
  actor: { kind: string; name: string; accountId: string | null };
  via: 'session' | 'bearer';
  csrfToken: string | null;
  expiresAt: string | null;
  /** The server can connect accounts with OAuth; absent from an older server (then offered). */
  leverOAuth?: boolean;
}

export interface Account {
  id: string;
  name: string;
  tagPrefix: string;
  status: 'active' | 'disabled' | 'disconnected';
  statusReason: string | null;
  platformAccountId: string;
  health: { status: string; checkedAt: string | null; problem: string | null };
  lever: { performAsUserId: string | null; apiUrl: string | null; authKind: 'api_key' | 'oauth'; oauthExpiresAt: string | null };
  webhookUrl: string;
}

export interface Overview {
  parkedJobs: number;
  failedJobs: number;
  openAssessments: number;
  lastWebhookAt: string | null;
  recentErrors: { at: string; type: string; opportunityId: string; code: string | null }[];
}

/** Any shape of check: `detail` today; `problem`/`fix` from newer servers are shown as they come. */
export interface ConnectionCheck {
  name: string;
  ok: boolean;
  /** passed | warning | failed (a warning is ok); older servers send only `ok`. */
  severity?: string;
  detail?: string;
  problem?: string | null;
  fix?: string | null;
  [other: string]: unknown;
}

export interface ConnectionTest {
  ok: boolean;
  checks: ConnectionCheck[];
  accountStatus: string;
}

export interface Stage {
  id: string;
  text: string;
}

export interface CatalogTest {
  id: string;
  name: string;
  platformTestId: string;
  kind: RuleKind;
}

export type RuleKind = 'take_home' | 'live_interview';

export interface TriggerRule {
  id: string;
  stageId: string;
  stageName: string | null;
  requiredTag: string | null;
  postingId: string | null;
  kind: RuleKind;
  testId: string | null;
  passThreshold: number | null;
  failThreshold: number | null;
  timeLimitMinutes: number;
  enabled: boolean;
}

export interface Assessment {
  id: string;
  opportunityId: string;
  ruleId: string | null;
  testId: string | null;
  kind: RuleKind;
  status: string;
  candidateUrl: string | null;
  interviewerUrl: string | null;
  reportUrl: string | null;
  score: number | null;
  errorCode: string | null;
  errorText: string | null;
  triggeredAt: string;
  createdAt: string;
}

export interface TimelineStep {
  at: string;
  type: string;
  correlationId: string;
  assessmentId: string | null;
  detail: Record<string, unknown>;
}

export interface FailedJob {
  id: string;
  name: string;
  queue: string;
  failedReason: string;
  attemptsMade: number;
  createdAt: string;
  failedAt: string | null;
  ids: Record<string, string>;
}

export interface PreviewReason {
  code: string;
  message: string;
}

export interface Preview {
  wouldSend: boolean;
  opportunity: { id: string; stageName: string | null; tags: string[] } | null;
  rules: {
    ruleId: string;
    kind: RuleKind;
    requiredTag: string | null;
    fires: boolean;
    test: { id: string; name: string } | null;
    outcome: string;
    reason: PreviewReason | null;
    tagsToAdd: string[];
    linksToAdd: { link: string; description: string }[];
  }[];
  tagsToAdd: string[];
  reasons: PreviewReason[];
}

export const accountPath = (accountId: string, rest = '') => `/v1/accounts/${encodeURIComponent(accountId)}${rest}`;
