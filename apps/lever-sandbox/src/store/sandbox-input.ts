import type { LeverPermission } from './sandbox.model';

/** What the seed and the control API pass to create a company (ids optional: random if absent). */
export interface CompanyInput {
  id?: string;
  name: string;
  keys?: KeyInput[];
  /** Names in pipeline order; default: Lever's usual pipeline. */
  stages?: { id?: string; text: string }[];
  users?: UserInput[];
  candidates?: CandidateInput[];
  webhook?: { url: string | null; signatureToken: string };
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
  opportunities: { id: string; contactId: string; name: string }[];
}
