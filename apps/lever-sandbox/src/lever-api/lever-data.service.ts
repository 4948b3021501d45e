import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { LeverListPage } from '../store/paginator';
import type { Company, HistoryEntry, Opportunity } from '../store/sandbox.model';
import { SandboxState } from '../store/sandbox-state.service';
import { WebhookSender, type ArchivedState } from '../webhooks/webhook-sender.service';
import { LeverApiError } from './lever-api.error';
import { renderNote, renderOpportunity, renderUser } from './lever-views';
import { queryBoolean, queryConfidentiality, queryList, queryTimestamp } from './request-input';

export type Query = Record<string, unknown>;
type Rendered = ReturnType<typeof renderOpportunity>;

/** How a sandbox-side move or archive is done (control API); the Lever API always uses the defaults. */
export interface ChangeOptions {
  /** false: change the data, send no webhook. Default true. */
  webhook?: boolean;
  /** ms since epoch the change happened; default now. Becomes the webhook's triggeredAt. */
  at?: number;
}

const archivedState = (o: Opportunity): ArchivedState =>
  o.archivedAt === null ? null : { archivedAt: o.archivedAt, reason: o.archiveReason };

/** Lever's semantics over the sandbox store, scoped to the calling key's company. */
@Injectable()
export class LeverDataService {
  constructor(
    private readonly state: SandboxState,
    private readonly webhooks: WebhookSender,
  ) {}

  getOpportunity(company: Company, id: string, query: Query): Rendered {
    return renderOpportunity(company, this.opportunity(company, id), new Set(queryList(query.expand)));
  }

  /** `confidentialAccess`: the key may see confidential opportunities (else lists leave them out, as Lever's do). */
  listOpportunities(company: Company, query: Query, confidentialAccess = true): LeverListPage<Rendered> {
    const tags = queryList(query.tag);
    const emails = queryList(query.email).map((e) => e.toLowerCase());
    const contactIds = queryList(query.contact_id);
    const stageIds = queryList(query.stage_id);
    const archived = queryBoolean(query.archived, 'archived');
    const confidentiality = queryConfidentiality(query.confidentiality);
    const updatedStart = queryTimestamp(query.updated_at_start, 'updated_at_start');
    const updatedEnd = queryTimestamp(query.updated_at_end, 'updated_at_end');
    const matches = [...company.opportunities.values()].filter((o) => {
      const contact = company.contacts.get(o.contactId);
      return (
        (!tags.length || o.tags.some((t) => tags.includes(t))) &&
        (!emails.length || (contact?.emails ?? []).some((e) => emails.includes(e.toLowerCase()))) &&
        (!contactIds.length || contactIds.includes(o.contactId)) &&
        (!stageIds.length || stageIds.includes(o.stageId)) &&
        (archived === undefined || (o.archivedAt !== null) === archived) &&
        (confidentiality === 'all' || o.confidentiality === confidentiality) &&
        (confidentialAccess || o.confidentiality !== 'confidential') &&
        (updatedStart === undefined || o.updatedAt >= updatedStart) &&
        (updatedEnd === undefined || o.updatedAt <= updatedEnd)
      );
    });
    const filters = [tags, emails, contactIds, stageIds, archived, confidentiality, confidentialAccess, updatedStart, updatedEnd];
    const page = this.state.paginator.page(matches, `${company.id}:opportunities:${JSON.stringify(filters)}`, query);
    const expand = new Set(queryList(query.expand));
    return { ...page, data: page.data.map((o) => renderOpportunity(company, o, expand)) };
  }

  /** Lever: `type=hired|non-hired` filters. */
  listArchiveReasons(company: Company, query: Query) {
    const type = query.type === undefined || query.type === '' ? undefined : String(query.type);
    if (type !== undefined && type !== 'hired' && type !== 'non-hired') throw LeverApiError.badRequest('type must be hired or non-hired');
    const reasons = company.archiveReasons.filter((r) => !type || r.type === type).map((r) => ({ ...r }));
    return this.state.paginator.page(reasons, `${company.id}:archive_reasons:${type ?? ''}`, query);
  }

  listStages(company: Company, query: Query) {
    return this.state.paginator.page(
      company.stages.map((s) => ({ ...s })),
      `${company.id}:stages`,
      query,
    );
  }

  getStage(company: Company, id: string) {
    const stage = company.stages.find((s) => s.id === id);
    if (!stage) throw LeverApiError.notFound('stages', id);
    return { ...stage };
  }

  listUsers(company: Company, query: Query) {
    const emails = queryList(query.email);
    const withDeactivated = query.includeDeactivated === 'true';
    const users = [...company.users.values()].filter(
      (u) => (withDeactivated || u.deactivatedAt === null) && (!emails.length || emails.includes(u.email)),
    );
    return this.state.paginator.page(users.map(renderUser), `${company.id}:users:${emails.join(',')}:${withDeactivated}`, query);
  }

  getUser(company: Company, id: string) {
    const user = company.users.get(id);
    if (!user) throw LeverApiError.notFound('users', id);
    return renderUser(user);
  }

  listTags(company: Company, query: Query) {
    const counts = new Map<string, number>();
    for (const o of company.opportunities.values()) for (const t of o.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    const tags = [...counts].map(([text, count]) => ({ text, count })).sort((a, b) => a.text.localeCompare(b.text));
    return this.state.paginator.page(tags, `${company.id}:tags`, query);
  }

  /**
   * With `tagCreation: 'super-admins'`, a tag on none of the company's opportunities yet is a new
   * tag: 403 unless perform_as is a super admin (after the 404 and perform_as checks; nothing is
   * written). Tags already in use can always be added.
   */
  addTags(company: Company, id: string, tags: string[], query: Query): Rendered {
    this.opportunity(company, id);
    const performAs = this.performAs(company, query);
    if (company.tagCreation === 'super-admins' && (performAs === null || company.users.get(performAs)?.accessRole !== 'super admin')) {
      const inUse = new Set([...company.opportunities.values()].flatMap((o) => o.tags));
      const created = tags.find((t) => !inUse.has(t));
      if (created !== undefined)
        throw new LeverApiError(403, 'Forbidden', `This account only lets super admins create tags: "${created}" does not exist yet`);
    }
    return this.write(company, id, query, 'addTags', tags, (o) => {
      for (const t of tags) if (!o.tags.includes(t)) o.tags.push(t);
    });
  }

  removeTags(company: Company, id: string, tags: string[], query: Query): Rendered {
    return this.write(company, id, query, 'removeTags', tags, (o) => {
      o.tags = o.tags.filter((t) => !tags.includes(t));
    });
  }

  /** Links live on the contact: every opportunity of that person shows them. */
  addLinks(company: Company, id: string, links: string[], query: Query): Rendered {
    return this.write(company, id, query, 'addLinks', links, (o) => {
      const contact = company.contacts.get(o.contactId);
      if (contact) for (const l of links) if (!contact.links.includes(l)) contact.links.push(l);
    });
  }

  /** Removes only exact matches of strings that were added. */
  removeLinks(company: Company, id: string, links: string[], query: Query): Rendered {
    return this.write(company, id, query, 'removeLinks', links, (o) => {
      const contact = company.contacts.get(o.contactId);
      if (contact) contact.links = contact.links.filter((l) => !links.includes(l));
    });
  }

  /** Not idempotent, like Lever: every call creates a note. */
  createNote(company: Company, id: string, input: { value: string; secret?: boolean; notifyFollowers?: boolean }, query: Query) {
    const noteId = randomUUID();
    this.write(company, id, query, 'note', { noteId }, (o, performAs) => {
      o.notes.push({
        id: noteId,
        value: input.value,
        secret: input.secret ?? false,
        notifyFollowers: input.notifyFollowers ?? false,
        userId: performAs,
        createdAt: Date.now(),
      });
    });
    return { noteId };
  }

  listNotes(company: Company, id: string, query: Query) {
    const o = this.opportunity(company, id);
    return this.state.paginator.page(o.notes.map(renderNote), `${company.id}:notes:${o.id}`, query);
  }

  /**
   * Moves the stage, then (asynchronously) sends candidateStageChange when it changed. With
   * `opts.at` on the stage it is already in, re-dates the entry into it instead (no webhook).
   */
  changeStage(company: Company, id: string, stageId: string, query: Query, opts: ChangeOptions = {}): Rendered {
    this.opportunity(company, id); // 404 before 400, like the other writes
    const index = company.stages.findIndex((s) => s.id === stageId);
    if (index < 0) throw LeverApiError.badRequest(`stage ${stageId} was not found`);
    // Assigned in the callback; the casts stop TS narrowing them to their initial values.
    let from = null as string | null;
    let changedAt = null as number | null;
    const rendered = this.write(
      company,
      id,
      query,
      'stage',
      { stageId },
      (o, performAs) => {
        from = o.stageId;
        if (from === stageId) {
          const entry = o.stageChanges.at(-1);
          if (opts.at !== undefined && entry?.toStageId === stageId) entry.updatedAt = o.lastAdvancedAt = opts.at;
          return;
        }
        changedAt = opts.at ?? Date.now();
        o.stageId = stageId;
        o.lastAdvancedAt = changedAt;
        o.stageChanges.push({ toStageId: stageId, toStageIndex: index, userId: performAs, updatedAt: changedAt });
      },
      opts.at,
    );
    if (changedAt !== null && opts.webhook !== false)
      this.webhooks.stageChanged(company, this.opportunity(company, id), from, stageId, changedAt);
    return rendered;
  }

  /**
   * Lever's `PUT /opportunities/:id/archived`: a reason id archives, null unarchives. Sends
   * candidateArchiveChange when the state (or the reason) changed.
   */
  setArchived(company: Company, id: string, reasonId: string | null, query: Query, opts: ChangeOptions = {}): Rendered {
    this.opportunity(company, id);
    const reason = reasonId === null ? null : company.archiveReasons.find((r) => r.id === reasonId);
    if (reason === undefined) throw LeverApiError.badRequest(`archive reason ${reasonId} was not found`);
    const change = this.archive(company, id, reason?.id ?? null, query, opts.at, reason ? 'archive' : 'unarchive');
    if (change.changed && opts.webhook !== false)
      this.webhooks.archiveChanged(company, change.opportunity, change.from, change.to, change.at);
    return change.rendered;
  }

  /** Archives with the company's hired reason; sends candidateHired, then candidateArchiveChange. */
  hire(company: Company, id: string, query: Query, opts: ChangeOptions = {}): { changed: boolean; archiveReason: string } {
    this.opportunity(company, id);
    const reason = company.archiveReasons.find((r) => r.type === 'hired');
    if (!reason) throw LeverApiError.badRequest(`company ${company.id} has no archive reason of type hired`);
    const change = this.archive(company, id, reason.id, query, opts.at, 'hire');
    if (change.changed && opts.webhook !== false) {
      this.webhooks.hired(company, change.opportunity, change.at);
      this.webhooks.archiveChanged(company, change.opportunity, change.from, change.to, change.at);
    }
    return { changed: change.changed, archiveReason: reason.id };
  }

  /** Removes the opportunity (and its contact once it has no other), then sends candidateDeleted. */
  deleteOpportunity(company: Company, id: string, deletedBy: string | null, opts: ChangeOptions = {}): void {
    const o = this.opportunity(company, id);
    if (deletedBy !== null && !company.users.has(deletedBy)) throw LeverApiError.badRequest(`deletedBy: user ${deletedBy} was not found`);
    company.opportunities.delete(id);
    if (![...company.opportunities.values()].some((x) => x.contactId === o.contactId)) company.contacts.delete(o.contactId);
    if (opts.webhook !== false) this.webhooks.deleted(company, o, deletedBy, opts.at ?? Date.now());
  }

  private archive(
    company: Company,
    id: string,
    reasonId: string | null,
    query: Query,
    at: number | undefined,
    action: 'archive' | 'unarchive' | 'hire',
  ) {
    let from = null as ArchivedState;
    let changed = false as boolean;
    const when = at ?? Date.now();
    const rendered = this.write(
      company,
      id,
      query,
      action,
      { reason: reasonId },
      (o) => {
        from = archivedState(o);
        if (o.archiveReason === reasonId && (reasonId === null) === (o.archivedAt === null)) return;
        changed = true;
        o.archivedAt = reasonId === null ? null : when;
        o.archiveReason = reasonId;
      },
      at,
    );
    const opportunity = this.opportunity(company, id);
    return { rendered, changed, opportunity, from, to: archivedState(opportunity), at: when };
  }

  private write(
    company: Company,
    id: string,
    query: Query,
    action: HistoryEntry['action'],
    detail: unknown,
    apply: (o: Opportunity, performAs: string | null) => void,
    /** A change placed in the past (control API) also dates updatedAt, so updated_at filters see it then. */
    at?: number,
  ): Rendered {
    const o = this.opportunity(company, id);
    const performAs = this.performAs(company, query);
    apply(o, performAs);
    const now = Date.now();
    o.updatedAt = at ?? now;
    o.history.push({ at: now, action, performAs, detail });
    return renderOpportunity(company, o, new Set(queryList(query.expand)));
  }

  /** perform_as must name an active user of the company (Lever does not document the error; 400 here). */
  private performAs(company: Company, query: Query): string | null {
    const value = query.perform_as;
    if (value === undefined || value === '') return null;
    const user = typeof value === 'string' ? company.users.get(value) : undefined;
    if (!user || user.deactivatedAt !== null)
      throw LeverApiError.badRequest(`perform_as: user ${String(value)} was not found or is deactivated`);
    return user.id;
  }

  private opportunity(company: Company, id: string): Opportunity {
    const o = company.opportunities.get(id);
    if (!o) throw LeverApiError.notFound('opportunities', id);
    return o;
  }
}
