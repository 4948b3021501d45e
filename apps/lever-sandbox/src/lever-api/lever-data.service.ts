import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { LeverListPage } from '../store/paginator';
import type { Company, HistoryEntry, Opportunity } from '../store/sandbox.model';
import { SandboxState } from '../store/sandbox-state.service';
import { WebhookSender } from '../webhooks/webhook-sender.service';
import { LeverApiError } from './lever-api.error';
import { renderNote, renderOpportunity, renderUser } from './lever-views';
import { queryList } from './request-input';

export type Query = Record<string, unknown>;
type Rendered = ReturnType<typeof renderOpportunity>;

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

  listOpportunities(company: Company, query: Query): LeverListPage<Rendered> {
    const tags = queryList(query.tag);
    const emails = queryList(query.email).map((e) => e.toLowerCase());
    const contactIds = queryList(query.contact_id);
    const stageIds = queryList(query.stage_id);
    const archived = query.archived === undefined ? undefined : query.archived === 'true';
    const matches = [...company.opportunities.values()].filter((o) => {
      const contact = company.contacts.get(o.contactId);
      return (
        (!tags.length || o.tags.some((t) => tags.includes(t))) &&
        (!emails.length || (contact?.emails ?? []).some((e) => emails.includes(e.toLowerCase()))) &&
        (!contactIds.length || contactIds.includes(o.contactId)) &&
        (!stageIds.length || stageIds.includes(o.stageId)) &&
        (archived === undefined || (o.archivedAt !== null) === archived)
      );
    });
    const scope = `${company.id}:opportunities:${JSON.stringify([tags, emails, contactIds, stageIds, archived])}`;
    const page = this.state.paginator.page(matches, scope, query);
    const expand = new Set(queryList(query.expand));
    return { ...page, data: page.data.map((o) => renderOpportunity(company, o, expand)) };
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

  addTags(company: Company, id: string, tags: string[], query: Query): Rendered {
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

  /** Moves the stage, then (asynchronously) sends candidateStageChange when it changed. */
  changeStage(company: Company, id: string, stageId: string, query: Query): Rendered {
    this.opportunity(company, id); // 404 before 400, like the other writes
    const index = company.stages.findIndex((s) => s.id === stageId);
    if (index < 0) throw LeverApiError.badRequest(`stage ${stageId} was not found`);
    let from: string | null = null;
    const rendered = this.write(company, id, query, 'stage', { stageId }, (o, performAs) => {
      from = o.stageId;
      if (from === stageId) return;
      const now = Date.now();
      o.stageId = stageId;
      o.lastAdvancedAt = now;
      o.stageChanges.push({ toStageId: stageId, toStageIndex: index, userId: performAs, updatedAt: now });
    });
    if (from !== stageId) this.webhooks.stageChanged(company, this.opportunity(company, id), from, stageId);
    return rendered;
  }

  private write(
    company: Company,
    id: string,
    query: Query,
    action: HistoryEntry['action'],
    detail: unknown,
    apply: (o: Opportunity, performAs: string | null) => void,
  ): Rendered {
    const o = this.opportunity(company, id);
    const performAs = this.performAs(company, query);
    apply(o, performAs);
    const now = Date.now();
    o.updatedAt = now;
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
