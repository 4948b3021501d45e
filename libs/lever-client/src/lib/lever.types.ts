/** Credentials of one Lever account. One client serves many accounts; every call names its own. */
export interface LeverAuth {
  accountId: string;
  /** An API key: sent as Basic auth (key as user name, empty password). */
  apiKey?: string;
  /** An OAuth access token (the account connected with OAuth): sent as Bearer. Wins over apiKey. */
  accessToken?: string;
  /** The account's own Lever API base URL (EU and other regions); unset: the client's baseUrl. */
  baseUrl?: string;
}

/** One page of a Lever list endpoint. `next` is Lever's opaque offset token. */
export interface LeverPage<T> {
  data: T[];
  next: string | null;
  hasNext: boolean;
}

/** The opportunity fields lever-assess relies on, normalised from Lever's response. */
export interface LeverOpportunity {
  id: string;
  name: string;
  /** Contact (person) id: links and emails belong to it. */
  contactId: string | null;
  emails: string[];
  tags: string[];
  stageId: string | null;
  /** Only known when the stage was expanded (getOpportunity always expands it). */
  stageName: string | null;
  /** True when any of archived / archivedAt / archiveReason is set. */
  archived: boolean;
  /** From top-level archivedAt, else archived.archivedAt. */
  archivedAt: number | null;
  /** Archive reason id, from top-level archiveReason, else archived.reason. */
  archiveReason: string | null;
  /** Lever's "confidential" / "non-confidential"; null when not sent. */
  confidentiality: string | null;
  isAnonymized: boolean;
  urls: { show: string | null };
  links: string[];
  applications: LeverApplication[];
  createdAt: number | null;
  updatedAt: number | null;
  lastAdvancedAt: number | null;
  /** Every stage move in Lever's order (oldest first); the last entry is when it entered its stage. */
  stageChanges: LeverStageChange[];
  /** User ids (objects when expanded are reduced to their ids). */
  followers: string[];
}

export interface LeverStageChange {
  toStageId: string;
  toStageIndex: number | null;
  /** Who moved it; null when Lever does not say. */
  userId: string | null;
  /** ms since epoch (Lever may send it as a string; both are read). */
  updatedAt: number | null;
}

export interface LeverArchiveReason {
  id: string;
  text: string;
  /** "hired" or "non-hired". */
  type: string | null;
  /** "active" or "inactive". */
  status: string | null;
}

export interface LeverApplication {
  id: string;
  postingId: string | null;
  type: string | null;
}

export interface LeverStage {
  id: string;
  text: string;
}

export interface LeverUser {
  id: string;
  name: string;
  email: string | null;
  accessRole: string | null;
  deactivatedAt: number | null;
}

/** Candidate origins Lever can filter a webhook on (Settings > Webhooks, or configuration.conditions). */
export const LEVER_WEBHOOK_ORIGINS = ['applied', 'sourced', 'referred', 'university', 'agency', 'internal'] as const;
export type LeverWebhookOrigin = (typeof LEVER_WEBHOOK_ORIGINS)[number];

/** A webhook created through Lever's API (GET /webhooks lists only those; never with its token). */
export interface LeverWebhook {
  id: string;
  event: string;
  url: string;
  /** The origins it is limited to; null when it has no conditions (every candidate). */
  origins: string[] | null;
  createdAt: number | null;
  updatedAt: number | null;
}

/** What POST /webhooks answers: the webhook and its signing token, shown this once. */
export interface LeverCreatedWebhook extends LeverWebhook {
  signatureToken: string;
}

export interface LeverWebhookInput {
  event: string;
  url: string;
  /** Omitted: no conditions (every origin). */
  origins?: readonly string[];
}

export interface LeverTag {
  text: string;
  count: number;
}

export interface LeverNote {
  id: string;
  /** The note text (Lever returns it as the value of the first field). */
  value: string;
  /** Author user id; null for notes written without perform_as. */
  userId: string | null;
  secret: boolean;
  createdAt: number | null;
}

export interface ListOpportunitiesQuery {
  /** 1-100; Lever's default is 100. */
  limit?: number;
  /** Case-sensitive; several tags are OR-ed. Same as `tags` (both are sent). */
  tag?: string | string[];
  /** Lever's repeated `tag`: case-sensitive, OR-ed. */
  tags?: readonly string[];
  email?: string | string[];
  /** `stage_id`; several are OR-ed. */
  stageId?: string | readonly string[];
  /** `archived=true|false`; unset lists both. */
  archived?: boolean;
  /** Lever lists only non-confidential opportunities unless this is 'all' (the key needs confidential access). */
  confidentiality?: 'all' | 'confidential' | 'non-confidential';
  /** `updated_at_start` / `updated_at_end`, ms since epoch, inclusive. */
  updatedAtStart?: number;
  updatedAtEnd?: number;
  /** The `next` token of the previous page. */
  offset?: string;
}

export interface ListAllOptions<T> {
  /** Stop after this many pages (default 1,000); the result then says `complete: false`. */
  maxPages?: number;
  /** Called with each page as it arrives, before the next request (await it to pace the sweep). */
  onPage?: (items: T[], pageIndex: number) => void | Promise<void>;
}

export interface LeverListAll<T> {
  data: T[];
  pages: number;
  /** False when maxPages stopped the walk while Lever still had more pages. */
  complete: boolean;
}

export interface CreateNoteInput {
  value: string;
  secret?: boolean;
  notifyFollowers?: boolean;
}

/** Minimal pino-compatible logger: the client only logs at debug and warn. */
export interface LeverClientLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
