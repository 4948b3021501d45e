import { AccountConfigCache, LeverAccountsService } from '@lever-assess/account-access';
import { RuleKind } from '@lever-assess/domain';
import type { AccountChangesPublisher } from '@lever-assess/redis';
import { standIn, type UnitFakes } from '@lever-assess/testing';
import { LeverSyncService } from '../../src/lever-sync/lever-sync.service';

/** The real LeverSyncService (and the real LeverAccountsService under it) over the unit tier's in-memory fakes. */
export function leverSyncOverFakes(f: UnitFakes): LeverSyncService {
  const leverAccounts = new LeverAccountsService(
    f.accounts.asRepository(),
    f.box,
    f.lever.asClient(),
    standIn<AccountChangesPublisher>(f.accountChanges),
  );
  return new LeverSyncService(
    f.assessments.asRepository(),
    new AccountConfigCache(f.accounts.asRepository(), f.rules.asRepository(), f.tests.asRepository(), {
      redisUrl: '',
      queuePrefix: '',
      maxAgeMs: 0,
    }),
    f.notes.asRepository(),
    f.views.asRepository(),
    f.syncReads.asRepository(),
    leverAccounts,
    f.events.asRepository(),
  );
}

/** An account with one take-home rule and one sent assessment whose platform invitation is inv_1. */
export async function sentAssessmentWithInvitation(f: UnitFakes) {
  const { account } = await f.addAccount();
  const rule = await f.rules.create(account.id, { stageId: 'stage-1', kind: RuleKind.TakeHome });
  const { assessment } = await f.assessments.insertIfNoActive({
    accountId: account.id,
    opportunityId: 'opp-1',
    candidateId: 'opp-1',
    ruleId: rule.id,
    kind: rule.kind,
    triggeredAt: new Date(),
  });
  await f.assessments.update(account.id, assessment.id, { platformInvitationId: 'inv_1' });
  return { account, rule, assessment };
}
