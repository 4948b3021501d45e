import { randomUUID } from 'node:crypto';

/** What the Lever sandbox holds for one opportunity (GET /_sandbox/opportunities/:id). */
export interface SandboxOpportunity {
  id: string;
  tags: string[];
  links: string[];
  notes: { id: string; value: string; userId: string | null; notifyFollowers: boolean }[];
  history: { at: number; action: string; performAs: string | null; detail: unknown }[];
}

export interface SandboxCompany {
  companyId: string;
  keyId: string;
  apiKey: string;
  botUserId: string;
  opportunityId: string;
}

/** The lever-sandbox control API (/_sandbox), over HTTP. */
export class LeverSandboxControl {
  constructor(private readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`sandbox ${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
    return json as T;
  }

  /** A company of its own per test (own key, rate bucket and faults) with one candidate. */
  async newCompany(candidateTags: string[] = ['Full-time']): Promise<SandboxCompany> {
    const apiKey = `rs-${randomUUID()}`;
    const created = await this.call<{ id: string; keys: { id: string }[]; users: { id: string }[]; opportunities: { id: string }[] }>(
      'POST',
      '/companies',
      {
        name: 'Result Sync Co',
        keys: [{ apiKey }],
        users: [{ name: 'Assessment Bot', email: 'assessment-bot@rs.example', accessRole: 'interviewer' }],
        candidates: [{ name: 'Grace Candidate', emails: ['grace@candidates.example'], tags: candidateTags }],
      },
    );
    return {
      companyId: created.id,
      keyId: created.keys[0].id,
      apiKey,
      botUserId: created.users[0].id,
      opportunityId: created.opportunities[0].id,
    };
  }

  opportunity(id: string): Promise<SandboxOpportunity> {
    return this.call<SandboxOpportunity>('GET', `/opportunities/${id}`);
  }

  /** A new active key for the company, as a Lever admin creates one to replace a revoked key. */
  addKey(companyId: string, apiKey: string) {
    return this.call<{ keyId: string; apiKey: string }>('POST', `/companies/${companyId}/keys`, { apiKey });
  }

  revoke(keyId: string) {
    return this.call<unknown>('POST', `/keys/${keyId}/revoke`);
  }

  setPermissions(keyId: string, permissions: string[]) {
    return this.call<unknown>('PUT', `/keys/${keyId}/permissions`, { permissions });
  }

  fault(keyId: string, fault: { status?: number; count: number; retryAfter?: string; delayMs?: number }) {
    return this.call<unknown>('POST', `/keys/${keyId}/faults`, fault);
  }

  async requestCount(keyId: string): Promise<number> {
    return (await this.call<{ data: unknown[] }>('GET', `/requests?keyId=${encodeURIComponent(keyId)}`)).data.length;
  }
}
