import type { CompanyInput } from '../store/sandbox-input';
import type { LeverWebhookEvent } from '../store/sandbox.model';

/**
 * The demo company. Ids are fixed so the demo, docs and tests can name them; they are listed
 * in docs/lever-sandbox.md. Changing one breaks callers that hard-code it.
 */
export const ACME_COMPANY_ID = 'e0000000-0000-4000-8000-000000000001';
export const ACME_KEY_ID = 'key_acme_demo';

export const ACME_STAGE_IDS = {
  NewApplicant: 'a0000000-0000-4000-8000-000000000001',
  RecruiterScreen: 'a0000000-0000-4000-8000-000000000002',
  CodingTest: 'a0000000-0000-4000-8000-000000000003',
  Onsite: 'a0000000-0000-4000-8000-000000000004',
  Offer: 'a0000000-0000-4000-8000-000000000005',
} as const;

export const ACME_USER_IDS = {
  /** Super admin. */
  Rachel: 'b0000000-0000-4000-8000-000000000001',
  /** Recruiter who moves candidates in the demo. */
  Monica: 'b0000000-0000-4000-8000-000000000002',
  /** The integration user lever-assess writes as (perform_as). */
  AssessmentBot: 'b0000000-0000-4000-8000-000000000003',
} as const;

export const ACME_ASSESSMENT_BOT_EMAIL = 'assessment-bot@acme.example';

/** The tag on Alan Turing's opportunity that equals a test name (override case, DESIGN.md Flow A 5). */
export const ACME_OVERRIDE_TAG = 'Python Advanced';

export const ACME_CONTACT_IDS = {
  Ada: 'c0000000-0000-4000-8000-000000000001',
  Alan: 'c0000000-0000-4000-8000-000000000002',
  Grace: 'c0000000-0000-4000-8000-000000000003',
  Sam: 'c0000000-0000-4000-8000-000000000004',
  Katherine: 'c0000000-0000-4000-8000-000000000005',
} as const;

export const ACME_OPPORTUNITY_IDS = {
  /** Ada Lovelace, Backend Engineer candidacy, New applicant. */
  Ada: 'd0000000-0000-4000-8000-000000000001',
  /** Ada Lovelace again (same contact), Data Engineer candidacy: links show on both. */
  AdaSecond: 'd0000000-0000-4000-8000-000000000002',
  /** Alan Turing, tagged "Python Advanced". */
  Alan: 'd0000000-0000-4000-8000-000000000003',
  /** Grace Hopper, Recruiter Screen. */
  Grace: 'd0000000-0000-4000-8000-000000000004',
  /** Sam Sourced: no email (the "candidate without an email" case). */
  SamNoEmail: 'd0000000-0000-4000-8000-000000000005',
  /** Katherine Johnson: archived. */
  KatherineArchived: 'd0000000-0000-4000-8000-000000000006',
} as const;

/** Archive reasons; Hired is the one `POST /_sandbox/opportunities/:id/hire` uses. */
export const ACME_ARCHIVE_REASON_IDS = {
  Hired: 'f0000000-0000-4000-8000-000000000001',
  Withdrew: 'f0000000-0000-4000-8000-000000000002',
  Underqualified: 'f0000000-0000-4000-8000-000000000003',
} as const;

/**
 * Default signature tokens of Acme's other webhook events (candidateStageChange uses
 * LEVER_SANDBOX_SIGNATURE_TOKEN). Distinct, as in Lever, where each event has its own token.
 */
export const ACME_DEFAULT_EVENT_SIGNATURE_TOKENS: Partial<Record<LeverWebhookEvent, string>> = {
  candidateArchiveChange: 'demo-archive-signature-token',
  candidateHired: 'demo-hired-signature-token',
  candidateDeleted: 'demo-deleted-signature-token',
};

export interface AcmeSeedOptions {
  apiKey: string;
  webhookUrl: string | null;
  signatureToken: string;
  /** Per-event tokens; an event left out is signed with `signatureToken`. */
  signatureTokens?: Partial<Record<LeverWebhookEvent, string>>;
}

export function acmeSeed({ apiKey, webhookUrl, signatureToken, signatureTokens }: AcmeSeedOptions): CompanyInput {
  const S = ACME_STAGE_IDS;
  const C = ACME_CONTACT_IDS;
  const O = ACME_OPPORTUNITY_IDS;
  // Fixed creation times keep list order and timestamps identical on every start.
  const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);
  return {
    id: ACME_COMPANY_ID,
    name: 'Acme',
    keys: [{ id: ACME_KEY_ID, apiKey }],
    stages: [
      { id: S.NewApplicant, text: 'New applicant' },
      { id: S.RecruiterScreen, text: 'Recruiter Screen' },
      { id: S.CodingTest, text: 'Coding Test' },
      { id: S.Onsite, text: 'Onsite' },
      { id: S.Offer, text: 'Offer' },
    ],
    archiveReasons: [
      { id: ACME_ARCHIVE_REASON_IDS.Hired, text: 'Hired', type: 'hired' },
      { id: ACME_ARCHIVE_REASON_IDS.Withdrew, text: 'Withdrew', type: 'non-hired' },
      { id: ACME_ARCHIVE_REASON_IDS.Underqualified, text: 'Underqualified', type: 'non-hired' },
    ],
    users: [
      { id: ACME_USER_IDS.Rachel, name: 'Rachel Green', email: 'rachel@acme.example', accessRole: 'super admin' },
      { id: ACME_USER_IDS.Monica, name: 'Monica Geller', email: 'monica@acme.example', accessRole: 'team member' },
      { id: ACME_USER_IDS.AssessmentBot, name: 'Assessment Bot', email: ACME_ASSESSMENT_BOT_EMAIL, accessRole: 'admin' },
    ],
    candidates: [
      {
        id: O.Ada,
        contactId: C.Ada,
        name: 'Ada Lovelace',
        headline: 'Analytical Engines Ltd',
        emails: ['ada@candidates.example'],
        stage: S.NewApplicant,
        createdAt: t0,
      },
      {
        id: O.AdaSecond,
        contactId: C.Ada,
        name: 'Ada Lovelace',
        emails: ['ada@candidates.example'],
        stage: S.NewApplicant,
        createdAt: t0 + 1_000,
      },
      {
        id: O.Alan,
        contactId: C.Alan,
        name: 'Alan Turing',
        emails: ['alan@candidates.example'],
        tags: [ACME_OVERRIDE_TAG],
        stage: S.NewApplicant,
        createdAt: t0 + 2_000,
      },
      {
        id: O.Grace,
        contactId: C.Grace,
        name: 'Grace Hopper',
        emails: ['grace@candidates.example'],
        tags: ['Full-time'],
        stage: S.RecruiterScreen,
        createdAt: t0 + 3_000,
      },
      {
        id: O.SamNoEmail,
        contactId: C.Sam,
        name: 'Sam Sourced',
        emails: [],
        stage: S.NewApplicant,
        origin: 'sourced',
        createdAt: t0 + 4_000,
      },
      {
        id: O.KatherineArchived,
        contactId: C.Katherine,
        name: 'Katherine Johnson',
        emails: ['katherine@candidates.example'],
        stage: S.Onsite,
        archived: true,
        archiveReason: ACME_ARCHIVE_REASON_IDS.Underqualified,
        createdAt: t0 + 5_000,
      },
    ],
    webhook: { url: webhookUrl, signatureToken, signatureTokens: signatureTokens ?? ACME_DEFAULT_EVENT_SIGNATURE_TOKENS },
  };
}
