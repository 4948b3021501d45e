import { randomUUID } from 'node:crypto';
import {
  LeverAuthError,
  LeverBadRequestError,
  LeverNotFoundError,
  LeverConfidentialAccessError,
  LeverPermissionError,
  LeverRateLimitedError,
  LeverUnavailableError,
  type CreateNoteInput,
  type LeverArchiveReason,
  type LeverAuth,
  type LeverClient,
  type LeverFailure,
  type LeverListAll,
  type LeverNote,
  type LeverOpportunity,
  type LeverPage,
  type LeverStage,
  type LeverTag,
  type LeverUser,
  type LeverWebhook,
  type LeverCreatedWebhook,
  type LeverWebhookInput,
  type ListAllOptions,
  type ListOpportunitiesQuery,
} from '@lever-assess/lever-client';
import { copyRow } from './in-memory-store';
import type { PublicOf } from './public-of';

/** The client's Lever calls (withBudget is the limiter's, not a call). */
export type LeverMethod = Exclude<keyof PublicOf<LeverClient>, 'withBudget'>;

/** A write that reached Lever, in the order Lever received them. */
export interface LeverWrite {
  method: 'addTags' | 'removeTags' | 'addLinks' | 'removeLinks' | 'changeStage' | 'createNote';
  opportunityId: string;
  /** The tags, links, stage id or note text sent. */
  values: string[];
  performAs: string | undefined;
}

/** An HTTP status (mapped to the error class the real client throws for it) or a custom error. */
export type LeverFault = number | ((failure: LeverFailure) => Error);

export interface FaultOptions {
  /** How many calls fail (default 1). */
  times?: number;
  /** The write is stored before the error: Lever applied it but the answer was lost. */
  afterApplying?: boolean;
  /** How many calls succeed before the failing ones (default 0). */
  skip?: number;
}

interface Company {
  opportunities: Map<string, LeverOpportunity>;
  notes: Map<string, LeverNote[]>;
  stages: LeverStage[];
  users: LeverUser[];
  webhooks: Map<string, LeverCreatedWebhook>;
}

interface ScriptedFault {
  method: LeverMethod;
  fault: LeverFault;
  skip: number;
  remaining: number;
  afterApplying: boolean;
}

const ENDPOINTS: Record<LeverMethod, string> = {
  getOpportunity: 'GET /opportunities/:id',
  listOpportunities: 'GET /opportunities',
  listAllOpportunities: 'GET /opportunities',
  listArchiveReasons: 'GET /archive_reasons',
  listStages: 'GET /stages',
  getStage: 'GET /stages/:id',
  listUsers: 'GET /users',
  getUser: 'GET /users/:id',
  listTags: 'GET /tags',
  addTags: 'POST /opportunities/:id/addTags',
  removeTags: 'POST /opportunities/:id/removeTags',
  addLinks: 'POST /opportunities/:id/addLinks',
  removeLinks: 'POST /opportunities/:id/removeLinks',
  changeStage: 'PUT /opportunities/:id/stage',
  createNote: 'POST /opportunities/:id/notes',
  listNotes: 'GET /opportunities/:id/notes',
  listWebhooks: 'GET /webhooks',
  createWebhook: 'POST /webhooks',
  updateWebhooks: 'PUT /webhooks',
  deleteWebhook: 'DELETE /webhooks/:id',
};

const FAKE_ARCHIVE_REASONS: LeverArchiveReason[] = [
  { id: 'archive-reason-hired', text: 'Hired', type: 'hired', status: 'active' },
  { id: 'archive-reason-withdrew', text: 'Withdrew', type: 'non-hired', status: 'active' },
];

/** The error the real client throws for a final answer with this status. */
export function leverErrorFor(method: LeverMethod, status: number, failure: LeverFailure): Error {
  const f = { ...failure, status };
  if (status === 401) return new LeverAuthError(f);
  // The real getOpportunity names the confidential case (lever-client).
  if (status === 403) return method === 'getOpportunity' ? new LeverConfidentialAccessError(f) : new LeverPermissionError(f);
  if (status === 404) return new LeverNotFoundError(f);
  if (status === 429) return new LeverRateLimitedError(f, 1_000);
  // Only a non-idempotent write (createNote) may have been stored when the answer is a 5xx.
  if (status >= 500 || status === 408) return new LeverUnavailableError(f, method === 'createNote');
  return new LeverBadRequestError(f);
}

/**
 * LeverClient in memory: one company per API key (its opportunities, notes, stages, users), the
 * write history, revoked keys (401) and scripted failures with the real error classes. Like
 * Lever, an opportunity of another key's company is a 404.
 */
export class FakeLever implements PublicOf<LeverClient> {
  /** Every call, in order, with the opportunity it named. */
  readonly calls: { method: LeverMethod; opportunityId?: string }[] = [];
  readonly writes: LeverWrite[] = [];
  private readonly companies = new Map<string, Company>();
  private readonly revoked = new Set<string>();
  private readonly faults: ScriptedFault[] = [];
  private readonly holds = new Map<LeverMethod, Promise<void>>();
  private nextId = 1;

  /** Every budget reservation (LeverClient.withBudget), in order. */
  readonly budgets: { accountId: string; requests: number; holdId: string }[] = [];
  private readonly turnWaits: number[] = [];

  asClient(): LeverClient {
    return this as unknown as LeverClient;
  }

  /** The next withBudget calls find their turn this far away (LeverRateLimitedError), in order. */
  delayTurns(...waitsMs: number[]): void {
    this.turnWaits.push(...waitsMs);
  }

  async withBudget<T>(auth: LeverAuth, requests: number, holdId: string, work: () => Promise<T>): Promise<T> {
    this.budgets.push({ accountId: auth.accountId, requests, holdId });
    const waitMs = this.turnWaits.shift();
    if (waitMs) throw new LeverRateLimitedError({ accountId: auth.accountId, endpoint: 'rate limiter (turn reserved)' }, waitMs);
    return work();
  }

  /** Adds an opportunity to the company of `apiKey`; unset fields get plain defaults. */
  addOpportunity(apiKey: string, input: Partial<LeverOpportunity> = {}): LeverOpportunity {
    const id = input.id ?? `opp-${this.nextId++}`;
    const opportunity: LeverOpportunity = {
      id,
      name: 'Ada Lovelace',
      contactId: `contact-${id}`,
      emails: ['ada@candidates.example'],
      tags: [],
      stageId: null,
      stageName: null,
      archived: false,
      isAnonymized: false,
      urls: { show: `https://hire.lever.co/candidates/${id}` },
      links: [],
      applications: [],
      createdAt: null,
      updatedAt: null,
      lastAdvancedAt: null,
      archivedAt: null,
      archiveReason: null,
      confidentiality: 'non-confidential',
      stageChanges: [],
      followers: [],
      ...input,
    };
    this.company(apiKey).opportunities.set(id, opportunity);
    return copyRow(opportunity);
  }

  /** Changes an opportunity as a recruiter would in Lever. */
  updateOpportunity(apiKey: string, id: string, changes: Partial<Omit<LeverOpportunity, 'id'>>): void {
    Object.assign(this.stored(apiKey, id), changes);
  }

  /** The opportunity as Lever holds it now. */
  opportunity(apiKey: string, id: string): LeverOpportunity {
    return copyRow(this.stored(apiKey, id));
  }

  notesOf(apiKey: string, opportunityId: string): LeverNote[] {
    return copyRow(this.company(apiKey).notes.get(opportunityId) ?? []);
  }

  /** Every later call with this key gets a 401, as after the key is revoked in Lever. */
  revokeKey(apiKey: string): void {
    this.revoked.add(apiKey);
  }

  /** The next call(s) of `method` fail with `fault`; faults of one method apply in order. */
  failNext(method: LeverMethod, fault: LeverFault, { times = 1, afterApplying = false, skip = 0 }: FaultOptions = {}): void {
    this.faults.push({ method, fault, skip, remaining: times, afterApplying });
  }

  /** Calls of `method` wait until the returned function is called (a request in flight). */
  hold(method: LeverMethod): () => void {
    let release!: () => void;
    this.holds.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  callsOf(method: LeverMethod): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async getOpportunity(auth: LeverAuth, opportunityId: string): Promise<LeverOpportunity> {
    return this.call(auth, 'getOpportunity', opportunityId, () => copyRow(this.found(auth, 'getOpportunity', opportunityId)));
  }

  async listOpportunities(auth: LeverAuth, query: ListOpportunitiesQuery = {}): Promise<LeverPage<LeverOpportunity>> {
    return this.call(auth, 'listOpportunities', undefined, () => {
      const all = this.matching(auth, query);
      const start = Number(query.offset ?? 0);
      const end = start + (query.limit ?? 100);
      const hasNext = end < all.length;
      return { data: all.slice(start, end).map(copyRow), next: hasNext ? String(end) : null, hasNext };
    });
  }

  /** One call (faults and holds apply to it as a whole); pages of `query.limit ?? 100` go to onPage. */
  async listAllOpportunities(
    auth: LeverAuth,
    query: Omit<ListOpportunitiesQuery, 'offset'> = {},
    { maxPages = 1_000, onPage }: ListAllOptions<LeverOpportunity> = {},
  ): Promise<LeverListAll<LeverOpportunity>> {
    const all = await this.call(auth, 'listAllOpportunities', undefined, () => this.matching(auth, query).map(copyRow));
    const size = query.limit ?? 100;
    const data: LeverOpportunity[] = [];
    let pages = 0;
    for (; pages < maxPages && pages * size < Math.max(all.length, 1); pages++) {
      const page = all.slice(pages * size, (pages + 1) * size);
      data.push(...page);
      await onPage?.(page, pages);
    }
    return { data, pages, complete: data.length === all.length };
  }

  async listArchiveReasons(auth: LeverAuth, query: { type?: 'hired' | 'non-hired' } = {}): Promise<LeverArchiveReason[]> {
    return this.call(auth, 'listArchiveReasons', undefined, () =>
      FAKE_ARCHIVE_REASONS.filter((r) => !query.type || r.type === query.type).map(copyRow),
    );
  }

  /** Lever's filters, including hiding confidential opportunities unless confidentiality is given. */
  private matching(auth: LeverAuth, query: ListOpportunitiesQuery): LeverOpportunity[] {
    const tags = [...(query.tag === undefined ? [] : [query.tag].flat()), ...(query.tags ?? [])];
    const emails = query.email === undefined ? null : [query.email].flat();
    const stageIds = query.stageId === undefined ? null : [query.stageId].flat();
    const confidentiality = query.confidentiality ?? 'non-confidential';
    return [...this.company(credential(auth)).opportunities.values()].filter(
      (o) =>
        (!tags.length || o.tags.some((t) => tags.includes(t))) &&
        (!emails || o.emails.some((e) => emails.includes(e))) &&
        (!stageIds || (o.stageId !== null && stageIds.includes(o.stageId))) &&
        (query.archived === undefined || o.archived === query.archived) &&
        (confidentiality === 'all' || (o.confidentiality ?? 'non-confidential') === confidentiality) &&
        (query.updatedAtStart === undefined || (o.updatedAt ?? 0) >= query.updatedAtStart) &&
        (query.updatedAtEnd === undefined || (o.updatedAt ?? 0) <= query.updatedAtEnd),
    );
  }

  async listStages(auth: LeverAuth): Promise<LeverStage[]> {
    return this.call(auth, 'listStages', undefined, () => copyRow(this.company(credential(auth)).stages));
  }

  async getStage(auth: LeverAuth, stageId: string): Promise<LeverStage> {
    return this.call(auth, 'getStage', undefined, () => {
      const stage = this.company(credential(auth)).stages.find((s) => s.id === stageId);
      if (!stage) throw leverErrorFor('getStage', 404, this.failure(auth, 'getStage'));
      return copyRow(stage);
    });
  }

  async listUsers(auth: LeverAuth, query: { email?: string } = {}): Promise<LeverUser[]> {
    return this.call(auth, 'listUsers', undefined, () =>
      copyRow(this.company(credential(auth)).users.filter((u) => query.email === undefined || u.email === query.email)),
    );
  }

  async getUser(auth: LeverAuth, userId: string): Promise<LeverUser> {
    return this.call(auth, 'getUser', undefined, () => {
      const user = this.company(credential(auth)).users.find((u) => u.id === userId);
      if (!user) throw leverErrorFor('getUser', 404, this.failure(auth, 'getUser'));
      return copyRow(user);
    });
  }

  async listTags(auth: LeverAuth): Promise<LeverTag[]> {
    return this.call(auth, 'listTags', undefined, () => {
      const counts = new Map<string, number>();
      for (const o of this.company(credential(auth)).opportunities.values())
        for (const t of o.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
      return [...counts].map(([text, count]) => ({ text, count }));
    });
  }

  async listWebhooks(auth: LeverAuth): Promise<LeverWebhook[]> {
    return this.call(auth, 'listWebhooks', undefined, () =>
      [...this.company(credential(auth)).webhooks.values()].map(({ signatureToken: _token, ...webhook }) => copyRow(webhook)),
    );
  }

  async createWebhook(auth: LeverAuth, input: LeverWebhookInput): Promise<LeverCreatedWebhook> {
    return this.call(auth, 'createWebhook', undefined, () => {
      const now = Date.now();
      const webhook: LeverCreatedWebhook = {
        id: randomUUID(),
        event: input.event,
        url: input.url,
        origins: input.origins ? [...input.origins] : null,
        signatureToken: randomUUID(),
        createdAt: now,
        updatedAt: now,
      };
      this.company(credential(auth)).webhooks.set(webhook.id, webhook);
      return copyRow(webhook);
    });
  }

  async updateWebhooks(
    auth: LeverAuth,
    updates: readonly { id: string; url: string; origins?: readonly string[] }[],
  ): Promise<LeverWebhook[]> {
    return this.call(auth, 'updateWebhooks', undefined, () => {
      const webhooks = this.company(credential(auth)).webhooks;
      if (updates.some((u) => !webhooks.has(u.id))) throw leverErrorFor('updateWebhooks', 404, this.failure(auth, 'updateWebhooks'));
      return updates.map((u) => {
        const webhook = webhooks.get(u.id) as LeverCreatedWebhook;
        Object.assign(webhook, { url: u.url, origins: u.origins ? [...u.origins] : null, updatedAt: Date.now() });
        const { signatureToken: _token, ...shown } = webhook;
        return copyRow(shown);
      });
    });
  }

  async deleteWebhook(auth: LeverAuth, webhookId: string): Promise<void> {
    return this.call(auth, 'deleteWebhook', undefined, () => {
      this.company(credential(auth)).webhooks.delete(webhookId);
    });
  }

  async addTags(auth: LeverAuth, opportunityId: string, tags: readonly string[], performAs?: string): Promise<LeverOpportunity | null> {
    return this.write(auth, 'addTags', opportunityId, [...tags], performAs, (o) => {
      o.tags = [...new Set([...o.tags, ...tags])];
    });
  }

  async removeTags(auth: LeverAuth, opportunityId: string, tags: readonly string[], performAs?: string): Promise<LeverOpportunity | null> {
    return this.write(auth, 'removeTags', opportunityId, [...tags], performAs, (o) => {
      o.tags = o.tags.filter((t) => !tags.includes(t));
    });
  }

  /** Appends, duplicates included: a link sent twice shows twice, so a test can see it. */
  async addLinks(auth: LeverAuth, opportunityId: string, links: readonly string[], performAs?: string): Promise<LeverOpportunity | null> {
    return this.write(auth, 'addLinks', opportunityId, [...links], performAs, (o) => {
      o.links = [...o.links, ...links];
    });
  }

  async removeLinks(
    auth: LeverAuth,
    opportunityId: string,
    links: readonly string[],
    performAs?: string,
  ): Promise<LeverOpportunity | null> {
    return this.write(auth, 'removeLinks', opportunityId, [...links], performAs, (o) => {
      o.links = o.links.filter((l) => !links.includes(l));
    });
  }

  async changeStage(auth: LeverAuth, opportunityId: string, stageId: string, performAs?: string): Promise<LeverOpportunity | null> {
    return this.write(auth, 'changeStage', opportunityId, [stageId], performAs, (o) => {
      o.stageId = stageId;
      o.stageName = this.company(credential(auth)).stages.find((s) => s.id === stageId)?.text ?? null;
    });
  }

  async createNote(auth: LeverAuth, opportunityId: string, note: CreateNoteInput, performAs?: string): Promise<{ noteId: string }> {
    let noteId = '';
    await this.write(auth, 'createNote', opportunityId, [note.value], performAs, () => {
      noteId = `note-${this.nextId++}`;
      const notes = this.company(credential(auth)).notes;
      notes.set(opportunityId, [
        ...(notes.get(opportunityId) ?? []),
        { id: noteId, value: note.value, userId: performAs ?? null, secret: note.secret ?? false, createdAt: Date.now() },
      ]);
    });
    return { noteId };
  }

  async listNotes(auth: LeverAuth, opportunityId: string): Promise<LeverNote[]> {
    return this.call(auth, 'listNotes', opportunityId, () => {
      this.found(auth, 'listNotes', opportunityId);
      return this.notesOf(credential(auth), opportunityId);
    });
  }

  private async write(
    auth: LeverAuth,
    method: LeverWrite['method'],
    opportunityId: string,
    values: string[],
    performAs: string | undefined,
    apply: (opportunity: LeverOpportunity) => void,
  ): Promise<LeverOpportunity | null> {
    return this.call(auth, method, opportunityId, () => {
      apply(this.found(auth, method, opportunityId));
      this.writes.push({ method, opportunityId, values, performAs });
      // Lever's answer to a tag or link write carries no opportunity the client relies on.
      return null;
    });
  }

  /** Records the call, waits while held, then fails as scripted or runs `work`. */
  private async call<T>(auth: LeverAuth, method: LeverMethod, opportunityId: string | undefined, work: () => T): Promise<T> {
    this.calls.push({ method, opportunityId });
    await this.holds.get(method);
    if (this.revoked.has(credential(auth))) throw leverErrorFor(method, 401, this.failure(auth, method));
    const scripted = this.faults.find((f) => f.method === method);
    if (!scripted) return work();
    if (scripted.skip > 0) {
      scripted.skip--;
      return work();
    }
    if (--scripted.remaining === 0) this.faults.splice(this.faults.indexOf(scripted), 1);
    if (scripted.afterApplying) work();
    const failure = this.failure(auth, method);
    throw typeof scripted.fault === 'number' ? leverErrorFor(method, scripted.fault, failure) : scripted.fault(failure);
  }

  private found(auth: LeverAuth, method: LeverMethod, opportunityId: string): LeverOpportunity {
    const opportunity = this.company(credential(auth)).opportunities.get(opportunityId);
    if (!opportunity) throw leverErrorFor(method, 404, this.failure(auth, method));
    return opportunity;
  }

  private stored(apiKey: string, id: string): LeverOpportunity {
    const opportunity = this.company(apiKey).opportunities.get(id);
    if (!opportunity) throw new Error(`FakeLever: no opportunity ${id} for this key`);
    return opportunity;
  }

  private failure(auth: LeverAuth, method: LeverMethod): LeverFailure {
    return { accountId: auth.accountId, endpoint: ENDPOINTS[method] };
  }

  private company(apiKey: string): Company {
    let company = this.companies.get(apiKey);
    if (!company) {
      company = { opportunities: new Map(), notes: new Map(), stages: [], users: [], webhooks: new Map() };
      this.companies.set(apiKey, company);
    }
    return company;
  }
}

/** The fake keys companies by credential: an API key, or an OAuth access token used the same way. */
function credential(auth: LeverAuth): string {
  return auth.accessToken ?? auth.apiKey ?? '';
}
