import { pause } from '@lever-assess/common';
import {
  LeverConfidentialAccessError,
  LeverNotFoundError,
  LeverPermissionError,
  LeverRateLimitedError,
  LeverUnexpectedResponseError,
} from './lever.errors';
import { leverCredentialId, runWithPrepaid } from './rate-limit/lever-budget';
import { LeverHttp, type LeverHttpOptions, type LeverRequest } from './lever-http';
import {
  LeverResponseShapeError,
  parseArchiveReason,
  parseNote,
  parseNoteId,
  parseOpportunity,
  parsePage,
  parseStage,
  parseTag,
  parseUser,
  parseWebhook,
  parseCreatedWebhook,
  unwrapData,
} from './lever-parsers';
import type {
  CreateNoteInput,
  LeverArchiveReason,
  LeverAuth,
  LeverListAll,
  LeverNote,
  LeverOpportunity,
  LeverPage,
  LeverStage,
  LeverTag,
  LeverUser,
  LeverWebhook,
  LeverCreatedWebhook,
  LeverWebhookInput,
  ListAllOptions,
  ListOpportunitiesQuery,
} from './lever.types';

export type LeverClientOptions = LeverHttpOptions;

/** Lever's largest page; fewer round trips for the "all pages" helpers. */
const PAGE_LIMIT = 100;
/** Guard against a server that keeps answering hasNext with the same token. */
const MAX_PAGES = 1_000;

/**
 * Typed client for the subset of Lever's Data API (v1) lever-assess uses. Multi-tenant: one
 * instance serves every account, each call names its account and key. Writes accept the
 * optional `performAs` Lever user id (sent as the perform_as query parameter).
 */
export class LeverClient {
  private readonly http: LeverHttp;

  constructor(private readonly options: LeverClientOptions) {
    this.http = new LeverHttp(options);
  }

  /**
   * Runs one job's Lever work on a turn of the key's budget reserved for `requests` requests: the
   * requests inside `work` spend that reservation. When the turn is further away than a moment,
   * nothing runs: the turn is kept under `holdId` and LeverRateLimitedError says how long to wait,
   * so the queue delays the job (no worker slot held meanwhile) and, when it runs again with the
   * same `holdId`, it finds its turn instead of queueing again. One account's backlog therefore
   * waits in Redis, in order, while other accounts' jobs go on.
   */
  async withBudget<T>(auth: LeverAuth, requests: number, holdId: string, work: () => Promise<T>): Promise<T> {
    // Nothing to send (a repeated sync): no turn to wait for.
    if (requests <= 0) return work();
    const keyId = leverCredentialId(auth);
    const { waitMs } = await this.options.limiter.reserve(keyId, requests, holdId, this.http.maxInlineWaitMs);
    if (waitMs > this.http.maxInlineWaitMs) {
      throw new LeverRateLimitedError({ accountId: auth.accountId, endpoint: 'rate limiter (turn reserved)' }, waitMs);
    }
    await pause(waitMs);
    return runWithPrepaid(keyId, requests, work);
  }

  /** @throws LeverConfidentialAccessError on a 403 (a confidential candidate, for a key without that access) */
  async getOpportunity(auth: LeverAuth, opportunityId: string): Promise<LeverOpportunity> {
    let body: unknown;
    try {
      body = await this.call(auth, {
        method: 'GET',
        route: '/opportunities/:id',
        params: { id: opportunityId },
        query: { expand: ['stage', 'applications'] },
        idempotent: true,
      });
    } catch (err) {
      if (!(err instanceof LeverPermissionError)) throw err;
      throw new LeverConfidentialAccessError({
        accountId: auth.accountId,
        endpoint: err.endpoint,
        status: err.status,
        leverCode: err.leverCode,
        leverMessage: err.leverMessage,
      });
    }
    return this.parse(auth, 'GET /opportunities/:id', () => parseOpportunity(unwrapData(body, 'opportunity')));
  }

  /** One page; pass the previous page's `next` as `offset` to continue. */
  async listOpportunities(auth: LeverAuth, query: ListOpportunitiesQuery = {}): Promise<LeverPage<LeverOpportunity>> {
    const body = await this.call(auth, {
      method: 'GET',
      route: '/opportunities',
      idempotent: true,
      query: { ...opportunityFilters(query), limit: query.limit, offset: query.offset, expand: 'stage' },
    });
    return this.parse(auth, 'GET /opportunities', () => parsePage(body, 'opportunities', parseOpportunity));
  }

  /**
   * Every opportunity matching `query`, page after page (100 per page unless `query.limit`), for a
   * reconciliation sweep. Each page is one request on the key's limiter, like any other call.
   * Stops early at `maxPages` with `complete: false`; a page error propagates (pages already
   * passed to `onPage` stay processed).
   */
  async listAllOpportunities(
    auth: LeverAuth,
    query: Omit<ListOpportunitiesQuery, 'offset'> = {},
    { maxPages = MAX_PAGES, onPage }: ListAllOptions<LeverOpportunity> = {},
  ): Promise<LeverListAll<LeverOpportunity>> {
    const data: LeverOpportunity[] = [];
    let offset: string | undefined;
    let pages = 0;
    while (pages < maxPages) {
      const page = await this.listOpportunities(auth, { ...query, limit: query.limit ?? PAGE_LIMIT, offset });
      data.push(...page.data);
      await onPage?.(page.data, pages);
      pages++;
      if (!page.hasNext || !page.next) return { data, pages, complete: true };
      if (page.next === offset) {
        throw new LeverUnexpectedResponseError({ accountId: auth.accountId, endpoint: 'GET /opportunities' }, 'the same next token twice');
      }
      offset = page.next;
    }
    return { data, pages, complete: false };
  }

  /** Lever's archive reasons; `type: 'hired'` finds the ones that mean hired. */
  listArchiveReasons(auth: LeverAuth, query: { type?: 'hired' | 'non-hired' } = {}): Promise<LeverArchiveReason[]> {
    return this.all(auth, '/archive_reasons', { type: query.type }, parseArchiveReason);
  }

  listStages(auth: LeverAuth): Promise<LeverStage[]> {
    return this.all(auth, '/stages', {}, parseStage);
  }

  async getStage(auth: LeverAuth, stageId: string): Promise<LeverStage> {
    const body = await this.call(auth, { method: 'GET', route: '/stages/:id', params: { id: stageId }, idempotent: true });
    return this.parse(auth, 'GET /stages/:id', () => parseStage(unwrapData(body, 'stage')));
  }

  /** Active users (Lever's default); `email` must match the user's canonical email exactly. */
  listUsers(auth: LeverAuth, query: { email?: string } = {}): Promise<LeverUser[]> {
    return this.all(auth, '/users', { email: query.email }, parseUser);
  }

  async getUser(auth: LeverAuth, userId: string): Promise<LeverUser> {
    const body = await this.call(auth, { method: 'GET', route: '/users/:id', params: { id: userId }, idempotent: true });
    return this.parse(auth, 'GET /users/:id', () => parseUser(unwrapData(body, 'user')));
  }

  listTags(auth: LeverAuth): Promise<LeverTag[]> {
    return this.all(auth, '/tags', {}, parseTag);
  }

  /**
   * Tag writes return the updated opportunity when Lever sends one (undocumented; null
   * otherwise). Adding a tag already present is harmless, so these are retried like reads.
   */
  addTags(auth: LeverAuth, opportunityId: string, tags: readonly string[], performAs?: string): Promise<LeverOpportunity | null> {
    return this.opportunityWrite(auth, '/opportunities/:id/addTags', opportunityId, { tags }, performAs);
  }

  removeTags(auth: LeverAuth, opportunityId: string, tags: readonly string[], performAs?: string): Promise<LeverOpportunity | null> {
    return this.opportunityWrite(auth, '/opportunities/:id/removeTags', opportunityId, { tags }, performAs);
  }

  /** Links belong to the contact: they show on all of that person's opportunities. */
  addLinks(auth: LeverAuth, opportunityId: string, links: readonly string[], performAs?: string): Promise<LeverOpportunity | null> {
    return this.opportunityWrite(auth, '/opportunities/:id/addLinks', opportunityId, { links }, performAs);
  }

  /** Must name the exact strings that were added. */
  removeLinks(auth: LeverAuth, opportunityId: string, links: readonly string[], performAs?: string): Promise<LeverOpportunity | null> {
    return this.opportunityWrite(auth, '/opportunities/:id/removeLinks', opportunityId, { links }, performAs);
  }

  /** Moves the opportunity to `stageId`; Lever then sends a candidateStageChange webhook. */
  changeStage(auth: LeverAuth, opportunityId: string, stageId: string, performAs?: string): Promise<LeverOpportunity | null> {
    return this.opportunityWrite(auth, '/opportunities/:id/stage', opportunityId, { stage: stageId }, performAs, 'PUT');
  }

  /**
   * Not idempotent: retried only after a 429. Any other failure surfaces at once; a
   * LeverUnavailableError with writeMayHaveApplied=true means check listNotes before writing again.
   */
  async createNote(auth: LeverAuth, opportunityId: string, note: CreateNoteInput, performAs?: string): Promise<{ noteId: string }> {
    const body = await this.call(auth, {
      method: 'POST',
      route: '/opportunities/:id/notes',
      params: { id: opportunityId },
      query: { perform_as: performAs },
      body: { value: note.value, secret: note.secret ?? false, notifyFollowers: note.notifyFollowers ?? false },
      idempotent: false,
    });
    return this.parse(auth, 'POST /opportunities/:id/notes', () => parseNoteId(body));
  }

  listNotes(auth: LeverAuth, opportunityId: string): Promise<LeverNote[]> {
    return this.all(auth, '/opportunities/:id/notes', {}, parseNote, { id: opportunityId });
  }

  /** The webhooks created through the API (lever-api.md 4.9); tokens are never listed. */
  listWebhooks(auth: LeverAuth): Promise<LeverWebhook[]> {
    return this.all(auth, '/webhooks', {}, parseWebhook);
  }

  /**
   * Not idempotent (a retried POST could leave two webhooks): retried only after a 429. The
   * answer carries the webhook's signature token, the only time Lever shows it.
   */
  async createWebhook(auth: LeverAuth, input: LeverWebhookInput): Promise<LeverCreatedWebhook> {
    const body = await this.call(auth, {
      method: 'POST',
      route: '/webhooks',
      body: { url: input.url, event: input.event, configuration: webhookConfiguration(input.origins) },
      idempotent: false,
    });
    return this.parse(auth, 'POST /webhooks', () => parseCreatedWebhook(body));
  }

  /** Points existing webhooks at `url` with `origins`; their signature tokens stay. */
  async updateWebhooks(
    auth: LeverAuth,
    updates: readonly { id: string; url: string; origins?: readonly string[] }[],
  ): Promise<LeverWebhook[]> {
    const body = await this.call(auth, {
      method: 'PUT',
      route: '/webhooks',
      body: { data: updates.map((u) => ({ id: u.id, url: u.url, configuration: webhookConfiguration(u.origins) })) },
      idempotent: true,
    });
    return this.parse(auth, 'PUT /webhooks', () => {
      const data = unwrapData(body, 'updated webhooks');
      return Array.isArray(data) ? data.map(parseWebhook) : [];
    });
  }

  /** A webhook already gone (404) counts as deleted. */
  async deleteWebhook(auth: LeverAuth, webhookId: string): Promise<void> {
    try {
      await this.call(auth, { method: 'DELETE', route: '/webhooks/:id', params: { id: webhookId }, idempotent: true });
    } catch (err) {
      if (!(err instanceof LeverNotFoundError)) throw err;
    }
  }

  private async opportunityWrite(
    auth: LeverAuth,
    route: string,
    opportunityId: string,
    body: object,
    performAs: string | undefined,
    method: 'POST' | 'PUT' = 'POST',
  ): Promise<LeverOpportunity | null> {
    const res = await this.call(auth, {
      method,
      route,
      params: { id: opportunityId },
      query: { perform_as: performAs },
      body,
      idempotent: true,
    });
    const data = res && typeof res === 'object' ? (res as { data?: unknown }).data : undefined;
    if (!data || typeof data !== 'object' || typeof (data as { id?: unknown }).id !== 'string') return null;
    return this.parse(auth, `${method} ${route}`, () => parseOpportunity(data));
  }

  /** Follows `next` while `hasNext` is true (a missing hasNext is the last page). */
  private async all<T>(
    auth: LeverAuth,
    route: string,
    query: LeverRequest['query'],
    item: (v: unknown) => T,
    params?: Record<string, string>,
  ): Promise<T[]> {
    const out: T[] = [];
    let offset: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.call(auth, {
        method: 'GET',
        route,
        params,
        query: { ...query, limit: PAGE_LIMIT, offset },
        idempotent: true,
      });
      const parsed = this.parse(auth, `GET ${route}`, () => parsePage(body, route, item));
      out.push(...parsed.data);
      if (!parsed.hasNext || !parsed.next || parsed.next === offset) return out;
      offset = parsed.next;
    }
    throw new LeverUnexpectedResponseError({ accountId: auth.accountId, endpoint: `GET ${route}` }, `more than ${MAX_PAGES} pages`);
  }

  private call(auth: LeverAuth, req: LeverRequest): Promise<unknown> {
    return this.http.request(auth, req);
  }

  private parse<T>(auth: LeverAuth, endpoint: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof LeverResponseShapeError) {
        throw new LeverUnexpectedResponseError({ accountId: auth.accountId, endpoint }, err.message);
      }
      throw err;
    }
  }
}

/** Lever's filter parameters; multi-value ones become repeated keys. */
function opportunityFilters(query: ListOpportunitiesQuery): LeverRequest['query'] {
  const tags = [...(query.tag === undefined ? [] : [query.tag].flat()), ...(query.tags ?? [])];
  return {
    tag: tags.length ? [...new Set(tags)] : undefined,
    email: query.email,
    stage_id: query.stageId === undefined ? undefined : [query.stageId].flat(),
    archived: query.archived,
    confidentiality: query.confidentiality,
    updated_at_start: query.updatedAtStart,
    updated_at_end: query.updatedAtEnd,
  };
}

function webhookConfiguration(origins: readonly string[] | undefined): object {
  return origins ? { conditions: { origins: [...origins] } } : {};
}
