/** The control APIs (`/_sandbox`) of the Lever and platform sandboxes, over HTTP. */

export interface CandidateInput {
  name: string;
  emails?: string[];
  tags?: string[];
  stage?: string;
  archived?: boolean;
  /** The posting (job) the candidate applied to. */
  postingId?: string;
  confidentiality?: 'confidential' | 'non-confidential';
}

/** What `POST /_sandbox/companies` answers (the parts the tests read). */
export interface SandboxCompany {
  id: string;
  keys: { id: string }[];
  stages: { id: string; text: string }[];
  users: { id: string }[];
  opportunities: { id: string; contactId: string; name: string }[];
}

export interface LeverRequest {
  route: string;
  status: number | null;
}

export interface PlatformInvitation {
  id: string;
  idempotencyKey: string;
  request: {
    testId: string | null;
    kind: string;
    timeLimitMinutes: number;
    candidate: { name: string; email: string };
    reference: string;
    accountId: string;
  };
}

/** A platform fault: the next `count` requests matching `match` get `status` and/or wait `delayMs`. */
export interface PlatformFault {
  match: 'create' | 'invitations' | 'all';
  count: number;
  status?: number;
  delayMs?: number;
}

/** A Lever fault on one key: its next `count` requests get `status` (with `Retry-After`). */
export interface LeverFault {
  status: number;
  count: number;
  retryAfter?: string;
}

/** Sends JSON, fails loudly on a non-2xx answer. */
export async function json<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export class LeverSandboxControl {
  constructor(readonly url: string) {}

  createCompany(body: {
    name: string;
    keys: { apiKey: string }[];
    stages: { text: string }[];
    users: { name: string; email: string }[];
    candidates: CandidateInput[];
  }): Promise<SandboxCompany> {
    return json<SandboxCompany>('POST', `${this.url}/_sandbox/companies`, body);
  }

  /** The requests the sandbox served for one key, oldest first. */
  async requests(keyId: string): Promise<LeverRequest[]> {
    return (await json<{ data: LeverRequest[] }>('GET', `${this.url}/_sandbox/requests?keyId=${keyId}`)).data;
  }

  /** Every request the sandbox served, any key (`keyId` null: a key it does not know). */
  async allRequests(): Promise<(LeverRequest & { keyId: string | null })[]> {
    return (await json<{ data: (LeverRequest & { keyId: string | null })[] }>('GET', `${this.url}/_sandbox/requests`)).data;
  }

  /** A new active key for the company, as a Lever admin creates one to replace a revoked key. */
  addKey(companyId: string, apiKey: string): Promise<{ keyId: string; apiKey: string }> {
    return json('POST', `${this.url}/_sandbox/companies/${companyId}/keys`, { apiKey });
  }

  setPermissions(keyId: string, permissions: string[]): Promise<unknown> {
    return json('PUT', `${this.url}/_sandbox/keys/${keyId}/permissions`, { permissions });
  }

  revokeKey(keyId: string): Promise<unknown> {
    return json('POST', `${this.url}/_sandbox/keys/${keyId}/revoke`);
  }

  fault(keyId: string, fault: LeverFault): Promise<unknown> {
    return json('POST', `${this.url}/_sandbox/keys/${keyId}/faults`, fault);
  }
}

export class PlatformSandboxControl {
  constructor(readonly url: string) {}

  /** Every invitation the platform holds (all accounts: filter by `request.accountId`). */
  async invitations(): Promise<PlatformInvitation[]> {
    return (await json<{ data: PlatformInvitation[] }>('GET', `${this.url}/_sandbox/invitations`)).data;
  }

  /** Faults are not per account: a spec file's own sandbox keeps them from reaching other files. */
  fault(fault: PlatformFault): Promise<unknown> {
    return json('POST', `${this.url}/_sandbox/faults`, fault);
  }
}
