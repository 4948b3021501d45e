/** Credentials of one Lever account. One client serves many accounts; every call names its own. */
export interface LeverAuth {
  accountId: string;
  apiKey: string;
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
  isAnonymized: boolean;
  urls: { show: string | null };
  links: string[];
  applications: LeverApplication[];
  createdAt: number | null;
  updatedAt: number | null;
  lastAdvancedAt: number | null;
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
  /** Case-sensitive; several tags are OR-ed. */
  tag?: string | string[];
  email?: string | string[];
  /** The `next` token of the previous page. */
  offset?: string;
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
