import { RuleKind } from '@lever-assess/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  Account,
  AccountsRepository,
  AdminToken,
  AdminTokensRepository,
  Assessment,
  AssessmentNote,
  AssessmentNotesRepository,
  AssessmentsRepository,
  AuditLogEntry,
  AuditLogRepository,
  CandidateEvent,
  CandidateEventsRepository,
  LeverDeliveriesRepository,
  LeverDelivery,
  LeverOpportunityView,
  LeverOpportunityViewsRepository,
  OpportunitySyncReadsRepository,
  TestDefinition,
  TestsRepository,
  TriggerRule,
  TriggerRulesRepository,
} from '..';
import { seal } from './test-database';

/** The repositories wired by hand on a DataSource, as Nest would inject them. */
export function makeRepositories(ds: DataSource) {
  return {
    accounts: new AccountsRepository(ds.getRepository(Account)),
    tests: new TestsRepository(ds.getRepository(TestDefinition)),
    rules: new TriggerRulesRepository(ds.getRepository(TriggerRule), ds.getRepository(TestDefinition)),
    assessments: new AssessmentsRepository(ds.getRepository(Assessment), ds.getRepository(TestDefinition)),
    notes: new AssessmentNotesRepository(ds.getRepository(AssessmentNote)),
    deliveries: new LeverDeliveriesRepository(ds.getRepository(LeverDelivery)),
    views: new LeverOpportunityViewsRepository(ds.getRepository(LeverOpportunityView)),
    syncReads: new OpportunitySyncReadsRepository(
      ds.getRepository(Assessment),
      ds.getRepository(LeverOpportunityView),
      ds.getRepository(AssessmentNote),
    ),
    adminTokens: new AdminTokensRepository(ds.getRepository(AdminToken)),
    audit: new AuditLogRepository(ds.getRepository(AuditLogEntry)),
    events: new CandidateEventsRepository(ds.getRepository(CandidateEvent)),
  };
}
export type Repositories = ReturnType<typeof makeRepositories>;

export function newAccount(repos: Repositories, name = 'Acme'): Promise<Account> {
  return repos.accounts.create({
    name,
    tagPrefix: 'Assess',
    leverApiKeyEnc: seal('lever-api-key-plaintext'),
    leverSignatureTokenEnc: seal('lever-signature-token'),
    platformAccountId: `pa-${randomUUID()}`,
  });
}

/** An account with one take-home rule on a fresh stage. */
export async function accountWithRule(repos: Repositories) {
  const account = await newAccount(repos);
  const rule = await repos.rules.create(account.id, { stageId: `stage-${randomUUID()}`, kind: RuleKind.TakeHome });
  return { account, rule };
}
