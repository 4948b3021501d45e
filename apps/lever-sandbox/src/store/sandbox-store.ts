import { randomUUID } from 'node:crypto';
import { LeverApiError } from '../lever-api/lever-api.error';
import type { CandidateInput, CompanyCreated, CompanyInput, KeyInput, WebhookInput } from './sandbox-input';
import {
  LEVER_PERMISSIONS,
  LEVER_WEBHOOK_EVENTS,
  type ApiKeyRecord,
  type ArchiveReason,
  type Company,
  type Opportunity,
  type WebhookConfig,
} from './sandbox.model';

const DEFAULT_STAGES = ['New applicant', 'Recruiter Screen', 'Phone Interview', 'Onsite', 'Offer'];
const DEFAULT_ARCHIVE_REASONS: { id?: string; text: string; type: ArchiveReason['type'] }[] = [
  { text: 'Hired', type: 'hired' },
  { text: 'Withdrew', type: 'non-hired' },
  { text: 'Underqualified', type: 'non-hired' },
];

export function webhookConfig(input: WebhookInput): WebhookConfig {
  return {
    url: input.url,
    signatureToken: input.signatureToken,
    signatureTokens: { ...input.signatureTokens },
    events: input.events ? [...new Set(input.events)] : [...LEVER_WEBHOOK_EVENTS],
  };
}

/** All sandbox data: companies and the key index. Lever semantics live in LeverDataService. */
export class SandboxStore {
  private readonly companies = new Map<string, Company>();
  private readonly keysByValue = new Map<string, ApiKeyRecord>();
  private readonly keysById = new Map<string, ApiKeyRecord>();

  clear(): void {
    this.companies.clear();
    this.keysByValue.clear();
    this.keysById.clear();
  }

  createCompany(input: CompanyInput): CompanyCreated {
    const id = input.id ?? randomUUID();
    if (this.companies.has(id)) throw LeverApiError.badRequest(`company ${id} already exists`);
    const now = Date.now();
    const stageInputs: { id?: string; text: string }[] = input.stages?.length ? input.stages : DEFAULT_STAGES.map((text) => ({ text }));
    const company: Company = {
      id,
      name: input.name,
      keys: new Map(),
      stages: stageInputs.map((s) => ({ id: s.id ?? randomUUID(), text: s.text })),
      users: new Map(),
      contacts: new Map(),
      opportunities: new Map(),
      archiveReasons: (input.archiveReasons?.length ? input.archiveReasons : DEFAULT_ARCHIVE_REASONS).map((r) => ({
        id: r.id ?? randomUUID(),
        text: r.text,
        status: 'active',
        type: r.type,
      })),
      webhook: webhookConfig(input.webhook ?? { url: null, signatureToken: randomUUID().replace(/-/g, '') }),
      apiWebhooks: new Map(),
      tagCreation: input.tagCreation ?? 'anyone',
    };
    if (!company.archiveReasons.some((r) => r.type === 'non-hired'))
      throw LeverApiError.badRequest('archiveReasons: at least one non-hired reason is needed (the default for archived candidates)');
    for (const u of input.users ?? []) {
      const userId = u.id ?? randomUUID();
      company.users.set(userId, {
        id: userId,
        name: u.name,
        email: u.email,
        username: u.email.split('@')[0],
        accessRole: u.accessRole ?? 'team member',
        createdAt: now,
        deactivatedAt: u.deactivated ? now : null,
      });
    }
    this.companies.set(id, company);
    for (const k of input.keys ?? []) this.addKey(company, k);
    this.addCandidates(id, input.candidates ?? []);
    return this.describe(company);
  }

  addKey(company: Company, input: KeyInput): ApiKeyRecord {
    if (this.keysByValue.has(input.apiKey)) throw LeverApiError.badRequest('an API key with that value already exists');
    const record: ApiKeyRecord = {
      id: input.id ?? `key_${randomUUID()}`,
      apiKey: input.apiKey,
      companyId: company.id,
      state: input.state ?? 'active',
      permissions: new Set(input.permissions ?? LEVER_PERMISSIONS),
    };
    company.keys.set(record.id, record);
    this.keysByValue.set(record.apiKey, record);
    this.keysById.set(record.id, record);
    return record;
  }

  addCandidates(companyId: string, inputs: CandidateInput[]): { id: string; contactId: string; name: string }[] {
    const company = this.company(companyId);
    return inputs.map((c) => {
      const stage = c.stage ? company.stages.find((s) => s.id === c.stage || s.text === c.stage) : company.stages[0];
      if (!stage) throw LeverApiError.badRequest(`candidate ${c.name}: unknown stage ${c.stage}`);
      const contactId = c.contactId ?? randomUUID();
      const contact = company.contacts.get(contactId) ?? { id: contactId, name: c.name, headline: c.headline ?? '', emails: [], links: [] };
      for (const e of c.emails ?? []) if (!contact.emails.includes(e)) contact.emails.push(e);
      for (const l of c.links ?? []) if (!contact.links.includes(l)) contact.links.push(l);
      company.contacts.set(contactId, contact);
      const at = c.createdAt ?? Date.now();
      const archiveReason = c.archived ? this.archiveReason(company, c.archiveReason) : null;
      const opportunity: Opportunity = {
        id: c.id ?? randomUUID(),
        contactId,
        tags: [...new Set(c.tags ?? [])],
        stageId: stage.id,
        stageChanges: [{ toStageId: stage.id, toStageIndex: company.stages.indexOf(stage), userId: null, updatedAt: at }],
        ownerId: c.ownerId ?? null,
        origin: c.origin ?? 'applied',
        applicationId: randomUUID(),
        postingId: c.postingId ?? randomUUID(),
        createdAt: at,
        updatedAt: at,
        lastAdvancedAt: at,
        archivedAt: archiveReason ? at : null,
        archiveReason: archiveReason?.id ?? null,
        confidentiality: c.confidentiality ?? 'non-confidential',
        followers: c.followers ?? (c.ownerId ? [c.ownerId] : []),
        isAnonymized: c.isAnonymized ?? false,
        notes: [],
        history: [],
      };
      if (company.opportunities.has(opportunity.id)) throw LeverApiError.badRequest(`opportunity ${opportunity.id} already exists`);
      company.opportunities.set(opportunity.id, opportunity);
      return { id: opportunity.id, contactId, name: contact.name };
    });
  }

  /** By id or text; without one, the first non-hired reason. */
  archiveReason(company: Company, idOrText?: string): ArchiveReason {
    const reason = idOrText
      ? company.archiveReasons.find((r) => r.id === idOrText || r.text === idOrText)
      : company.archiveReasons.find((r) => r.type === 'non-hired');
    if (!reason) throw LeverApiError.badRequest(`archive reason ${idOrText} was not found`);
    return reason;
  }

  company(companyId: string): Company {
    const company = this.companies.get(companyId);
    if (!company) throw LeverApiError.notFound('companies', companyId);
    return company;
  }

  keyByValue(apiKey: string): ApiKeyRecord | undefined {
    return this.keysByValue.get(apiKey);
  }

  key(keyId: string): ApiKeyRecord {
    const key = this.keysById.get(keyId);
    if (!key) throw LeverApiError.notFound('keys', keyId);
    return key;
  }

  /** Finds an opportunity in any company (control API only; Lever routes stay within a company). */
  findOpportunity(opportunityId: string): { company: Company; opportunity: Opportunity } {
    for (const company of this.companies.values()) {
      const opportunity = company.opportunities.get(opportunityId);
      if (opportunity) return { company, opportunity };
    }
    throw LeverApiError.notFound('opportunities', opportunityId);
  }

  describe(company: Company): CompanyCreated {
    return {
      id: company.id,
      name: company.name,
      keys: [...company.keys.values()].map((k) => ({ id: k.id, apiKey: k.apiKey, permissions: [...k.permissions], state: k.state })),
      stages: company.stages.map((s) => ({ ...s })),
      users: [...company.users.values()].map((u) => ({ id: u.id, name: u.name, email: u.email })),
      archiveReasons: company.archiveReasons.map((r) => ({ ...r })),
      opportunities: [...company.opportunities.values()].map((o) => ({
        id: o.id,
        contactId: o.contactId,
        name: company.contacts.get(o.contactId)?.name ?? '',
      })),
    };
  }
}
