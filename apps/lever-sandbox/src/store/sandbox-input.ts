import type { LeverPermission, LeverWebhookEvent, TagCreation } from './sandbox.model';

/** What the seed and the control API pass to create a company (ids optional: random if absent). */
export interface CompanyInput {
  id?: string;
  name: string;
  keys?: KeyInput[];
  /** Names in pipeline order; default: Lever's usual pipeline. */
  stages?: { id?: string; text: string }[];
  users?: UserInput[];
  candidates?: CandidateInput[];
  /** Default: Hired (type hired) plus a few non-hired reasons. */
  archiveReasons?: { id?: string; text: string; type: 'hired' | 'non-hired' }[];
  webhook?: WebhookInput;
  /** Default 'anyone'. */
  tagCreation?: TagCreation;
}

export interface WebhookInput {
  url: string | null;
  signatureToken: string;
  /** Per-event tokens; an event without one is signed with `signatureToken`. */
  signatureTokens?: Partial<Record<LeverWebhookEvent, string>>;
  /** Default: every event. */
  events?: LeverWebhookEvent[];
}

export interface KeyInput {
  id?: string;
  apiKey: string;
  /** Default: every permission. */
  permissions?: LeverPermission[];
  state?: 'active' | 'revoked';
}

export interface UserInput {
  id?: string;
  name: string;
  email: string;
  accessRole?: string;
  deactivated?: boolean;
}

export interface CandidateInput {
  id?: string;
  /** Reuse a contact id to give one person several opportunities. */
  contactId?: string;
  name: string;
  headline?: string;
  emails?: string[];
  tags?: string[];
  /** Stage id or stage name; default: the first stage. */
  stage?: string;
  links?: string[];
  archived?: boolean;
  /** Archive reason id or text; default the first non-hired reason (only with `archived`). */
  archiveReason?: string;
  confidentiality?: 'confidential' | 'non-confidential';
  /** The posting (job) of the candidate's application; default a new random id. */
  postingId?: string;
  /** User ids; default the owner, if any. */
  followers?: string[];
  isAnonymized?: boolean;
  origin?: string;
  ownerId?: string;
  createdAt?: number;
}

export interface CompanyCreated {
  id: string;
  name: string;
  keys: { id: string; apiKey: string; permissions: LeverPermission[]; state: string }[];
  stages: { id: string; text: string }[];
  users: { id: string; name: string; email: string }[];
  archiveReasons: { id: string; text: string; type: string }[];
  opportunities: { id: string; contactId: string; name: string }[];
}
