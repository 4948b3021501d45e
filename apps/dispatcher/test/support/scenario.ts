import { RuleKind } from '@lever-assess/domain';
import {
  AccountsRepository,
  AssessmentsRepository,
  LeverDeliveriesRepository,
  TestsRepository,
  TriggerRulesRepository,
  type Assessment,
} from '@lever-assess/persistence';
import type { LeverEventJob } from '@lever-assess/queues';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DispatcherHarness } from './dispatcher-harness';
import type { CandidateInput, LeverSandboxControl } from './sandboxes';

const STAGES = ['New applicant', 'Coding Test', 'Onsite'];

/** A typo in a stage or candidate name fails with its name rather than "cannot read id". */
function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`scenario has no ${what}`);
  return value;
}

export type Scenario = Awaited<ReturnType<typeof createScenario>>;

export interface ScenarioOptions {
  /** The Lever sandbox of the account's region (its `leverApiUrl`); default the harness's (LEVER_API_URL). */
  lever?: LeverSandboxControl;
}

/**
 * One customer: a Lever company in the sandbox (own key, so faults and revocation stay local)
 * and its account, catalog and rules in Postgres, sealed with the dispatcher's ENCRYPTION_KEY.
 * Candidates start at "Coding Test" with one email made from their name unless told otherwise.
 */
export async function createScenario(h: DispatcherHarness, candidates: CandidateInput[], options: ScenarioOptions = {}) {
  // Another Lever (a region) for this account: its own sandbox, named by the account's lever.apiUrl.
  const lever = options.lever ?? h.lever;
  const apiKey = `key-${randomUUID()}`;
  const company = await lever.createCompany({
    name: 'Dispatch Co',
    keys: [{ apiKey }],
    stages: STAGES.map((text) => ({ text })),
    users: [{ name: 'Assessment Bot', email: 'bot@dispatch.example' }],
    candidates: candidates.map((c) => ({
      stage: 'Coding Test',
      emails: [`${c.name.toLowerCase().replace(/\W+/g, '.')}@candidates.example`],
      ...c,
    })),
  });
  const keyId = company.keys[0].id;
  const stage = (text: string) =>
    found(
      company.stages.find((s) => s.text === text),
      `stage ${text}`,
    ).id;
  const platformAccountId = `plat-${randomUUID()}`;
  const account = await h.app.get(AccountsRepository).create({
    name: 'Dispatch Co',
    tagPrefix: 'Dispatch Test',
    leverApiKeyEnc: h.box.encrypt(apiKey),
    leverSignatureTokenEnc: h.box.encrypt('signature-token'),
    performAsUserId: company.users[0].id,
    leverApiUrl: options.lever ? `${options.lever.url}/v1` : null,
    platformAccountId,
  });
  const tests = h.app.get(TestsRepository);
  const catalog = {
    basics: await tests.create(account.id, { name: 'Python Basics', platformTestId: 'tst_python_basics', kind: RuleKind.TakeHome }),
    advanced: await tests.create(account.id, { name: 'Python Advanced', platformTestId: 'tst_python_advanced', kind: RuleKind.TakeHome }),
    pairing: await tests.create(account.id, { name: 'Live Pairing', platformTestId: 'tst_live_pairing', kind: RuleKind.LiveInterview }),
  };
  const addRule = (input: Parameters<TriggerRulesRepository['create']>[1]) => h.app.get(TriggerRulesRepository).create(account.id, input);
  const opportunity = (name: string) =>
    found(
      company.opportunities.find((o) => o.name === name),
      `candidate ${name}`,
    ).id;

  /** The job the gateway would enqueue for moving `name` to "Coding Test", with a fresh delivery token. */
  const event = (name: string, overrides: Partial<LeverEventJob> = {}): LeverEventJob => {
    const deliveryToken = randomBytes(24).toString('hex');
    return {
      accountId: account.id,
      opportunityId: opportunity(name),
      candidateId: opportunity(name),
      fromStageId: stage('New applicant'),
      toStageId: stage('Coding Test'),
      triggeredAt: new Date().toISOString(),
      deliveryToken,
      correlationId: deliveryToken,
      ...overrides,
    };
  };

  return {
    account,
    companyId: company.id,
    keyId,
    catalog,
    stage,
    addRule,
    opportunity,
    event,
    /** Invitations the platform holds for this account. */
    invitations: async () => (await h.platform.invitations()).filter((i) => i.request.accountId === platformAccountId),
    assessments: async (name?: string): Promise<Assessment[]> =>
      (await h.app.get(AssessmentsRepository).list(account.id, name ? { opportunityId: opportunity(name) } : {})).items,
    syncJobs: async () =>
      (await h.syncs.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter((j) => j.data.accountId === account.id),
    delivery: (e: LeverEventJob) => h.app.get(LeverDeliveriesRepository).find(account.id, e.deliveryToken),
    /** Requests the Lever sandbox served for this company's key. */
    leverRequests: () => lever.requests(keyId),
  };
}
