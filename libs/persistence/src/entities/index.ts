import { Account } from './account.entity';
import { AdminToken } from './admin-token.entity';
import { Assessment } from './assessment.entity';
import { AssessmentNote } from './assessment-note.entity';
import { AuditLogEntry } from './audit-log-entry.entity';
import { CandidateEvent } from './candidate-event.entity';
import { ConsoleSession, ConsoleSignInLink } from './console-session.entity';
import { LeverDelivery } from './lever-delivery.entity';
import { LeverOpportunityView } from './lever-opportunity-view.entity';
import { RecruiterActionRecord } from './recruiter-action.entity';
import { TestDefinition } from './test-definition.entity';
import { TriggerRule } from './trigger-rule.entity';

export {
  Account,
  AdminToken,
  Assessment,
  AssessmentNote,
  AuditLogEntry,
  CandidateEvent,
  ConsoleSession,
  ConsoleSignInLink,
  LeverDelivery,
  LeverOpportunityView,
  RecruiterActionRecord,
  TestDefinition,
  TriggerRule,
};
export { RecruiterActionStatus } from './recruiter-action.entity';
export type { AccountWithSecrets, RegisteredLeverWebhooks } from './account.entity';
export { UQ_ASSESSMENT_ACTIVE, type InvitationRequestBody } from './assessment.entity';

/** Every entity, as classes (no globs: the apps are bundled by webpack). */
export const ENTITIES = [
  Account,
  TestDefinition,
  TriggerRule,
  Assessment,
  AssessmentNote,
  LeverDelivery,
  LeverOpportunityView,
  AdminToken,
  AuditLogEntry,
  CandidateEvent,
  RecruiterActionRecord,
  ConsoleSession,
  ConsoleSignInLink,
];
