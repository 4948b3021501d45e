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
  action: 'addTags' | 'removeTags' | 'addLinks' | 'removeLinks' | 'note' | 'stage';
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
  isAnonymized: boolean;
  notes: Note[];
  history: HistoryEntry[];
}

export interface WebhookConfig {
  url: string | null;
  signatureToken: string;
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
  webhook: WebhookConfig;
}
