/** In-memory shapes of the sandbox. Field names follow Lever where Lever has a name for them. */

/** Endpoint permissions a Lever key can hold (Lever: per-endpoint Read/Write). */
export const LEVER_PERMISSIONS = [
  'opportunities:read',
  'opportunities:write',
  'notes:read',
  'notes:write',
  'stages:read',
  'users:read',
  'tags:read',
  'archive_reasons:read',
  /** `GET /webhooks` (Lever's API-managed webhooks, lever-api.md 4.9). */
  'webhooks:read',
  /** `POST` / `PUT /webhooks`, `DELETE /webhooks/:id`. */
  'webhooks:write',
  /** Lever's "Allow access to confidential data": without it a confidential opportunity answers 403 and lists leave it out. */
  'confidential:read',
] as const;
export type LeverPermission = (typeof LEVER_PERMISSIONS)[number];

export interface ApiKeyRecord {
  id: string;
  apiKey: string;
  companyId: string;
  state: 'active' | 'revoked';
  permissions: Set<LeverPermission>;
}

export interface Stage {
  id: string;
  text: string;
}

export interface User {
  id: string;
  name: string;
  username: string;
  email: string;
  accessRole: string;
  createdAt: number;
  deactivatedAt: number | null;
}

/** The person. Emails and links belong here, so they show on every opportunity of the person. */
export interface Contact {
  id: string;
  name: string;
  headline: string;
  emails: string[];
  links: string[];
}

export interface Note {
  id: string;
  value: string;
  secret: boolean;
  notifyFollowers: boolean;
  userId: string | null;
  createdAt: number;
}

/** Every write, with its perform_as user, so tests can check attribution. */
export interface HistoryEntry {
  at: number;
  action: 'addTags' | 'removeTags' | 'addLinks' | 'removeLinks' | 'note' | 'stage' | 'archive' | 'unarchive' | 'hire';
  performAs: string | null;
  detail: unknown;
}

export interface Opportunity {
  id: string;
  contactId: string;
  tags: string[];
  stageId: string;
  stageChanges: { toStageId: string; toStageIndex: number; userId: string | null; updatedAt: number }[];
  ownerId: string | null;
  origin: string;
  applicationId: string;
  postingId: string;
  createdAt: number;
  updatedAt: number;
  lastAdvancedAt: number;
  archivedAt: number | null;
  archiveReason: string | null;
  /** Lever hides confidential opportunities from lists unless `confidentiality=all`. */
  confidentiality: 'confidential' | 'non-confidential';
  /** User ids. */
  followers: string[];
  isAnonymized: boolean;
  notes: Note[];
  history: HistoryEntry[];
}

/** The webhook events the sandbox sends (lever-api.md 3.1). */
export const LEVER_WEBHOOK_EVENTS = ['candidateStageChange', 'candidateArchiveChange', 'candidateHired', 'candidateDeleted'] as const;
export type LeverWebhookEvent = (typeof LEVER_WEBHOOK_EVENTS)[number];

/** Lever: one URL here for all events, but each event has its own signature token. */
export interface WebhookConfig {
  url: string | null;
  /** The candidateStageChange token; also signs any event without a token of its own (older accounts: one shared token). */
  signatureToken: string;
  signatureTokens: Partial<Record<LeverWebhookEvent, string>>;
  /** Events sent; default all. */
  events: LeverWebhookEvent[];
}

/** Candidate origins an origin condition can name (Lever's settings page, lever-api.md 3.1). */
export const LEVER_ORIGINS = ['applied', 'sourced', 'referred', 'university', 'agency', 'internal'] as const;

/** Events whose webhooks may carry origin conditions (of those the sandbox sends; candidateDeleted has none). */
export const CONDITIONAL_WEBHOOK_EVENTS: readonly LeverWebhookEvent[] = [
  'candidateStageChange',
  'candidateHired',
  'candidateArchiveChange',
];

/**
 * A webhook created through Lever's API (`POST /webhooks`, lever-api.md 4.9), beside the settings
 * page's `Company.webhook`. Each has its own URL, event and signature token.
 */
export interface ApiWebhook {
  id: string;
  event: LeverWebhookEvent;
  url: string;
  /** Only opportunities whose `origin` is listed get events; null: every opportunity. */
  conditions: { origins: string[] } | null;
  /** 48 random hex chars; answered by POST only, never by GET. */
  signatureToken: string;
  createdAt: number;
  updatedAt: number;
}

/** Who may create a new tag (a tag on none of the company's opportunities yet) with `addTags`. */
export const TAG_CREATION_SETTINGS = ['anyone', 'super-admins'] as const;
export type TagCreation = (typeof TAG_CREATION_SETTINGS)[number];

/** Lever: `type` hired or non-hired; archiving with a hired reason is a hire. */
export interface ArchiveReason {
  id: string;
  text: string;
  status: 'active' | 'inactive';
  type: 'hired' | 'non-hired';
}

export interface Company {
  id: string;
  name: string;
  keys: Map<string, ApiKeyRecord>;
  stages: Stage[];
  users: Map<string, User>;
  contacts: Map<string, Contact>;
  /** Insertion order is list order. */
  opportunities: Map<string, Opportunity>;
  archiveReasons: ArchiveReason[];
  /** The settings page's webhook (Settings > Integrations and API > Webhooks). */
  webhook: WebhookConfig;
  /**
   * Webhooks created through the API, by id (insertion order is list order). Sandbox decision
   * (Lever does not say): they are not shown on the settings page (`webhook` above) and the
   * settings webhook is not listed by `GET /webhooks`; every event goes to both.
   */
  apiWebhooks: Map<string, ApiWebhook>;
  /** 'super-admins': `addTags` may only add tags already in use, unless perform_as is a super admin. */
  tagCreation: TagCreation;
}
