import { AccountConfigCache, LeverAccountsService } from '@lever-assess/account-access';
import type { LeverSyncJob, LeverSyncProducer } from '@lever-assess/queues';
import type { AccountChangesPublisher } from '@lever-assess/redis';
import { RecordingProducer, standIn, type UnitFakes } from '@lever-assess/testing';
import { LeverEventDispatchService } from '../../src/dispatch/lever-event-dispatch.service';
import { LeverLifecycleService } from '../../src/dispatch/lever-lifecycle.service';

/**
 * The real LeverEventDispatchService and LeverLifecycleService (and the real LeverAccountsService under them) over the unit
 * tier's in-memory fakes, with a producer that records the lever-sync jobs it is given.
 */
export function dispatchOverFakes(f: UnitFakes) {
  const leverSync = new RecordingProducer<LeverSyncJob>();
  const leverAccounts = new LeverAccountsService(
    f.accounts.asRepository(),
    f.box,
    f.lever.asClient(),
    standIn<AccountChangesPublisher>(f.accountChanges),
  );
  const service = new LeverEventDispatchService(
    f.deliveries.asRepository(),
    leverAccounts,
    // Off (maxAgeMs 0): every job reads the fakes, as the cache does while it is not subscribed.
    new AccountConfigCache(f.accounts.asRepository(), f.rules.asRepository(), f.tests.asRepository(), {
      redisUrl: '',
      queuePrefix: '',
      maxAgeMs: 0,
    }),
    f.assessments.asRepository(),
    f.views.asRepository(),
    f.platform.asClient(),
    standIn<LeverSyncProducer>(leverSync),
    f.events.asRepository(),
  );
  const lifecycle = new LeverLifecycleService(
    f.deliveries.asRepository(),
    leverAccounts,
    f.assessments.asRepository(),
    f.views.asRepository(),
    f.platform.asClient(),
    standIn<LeverSyncProducer>(leverSync),
    f.events.asRepository(),
  );
  return { service, lifecycle, leverSync };
}
