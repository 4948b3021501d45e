import { isForeignKeyViolation, type LeverDeliveriesRepository, type NewLeverDelivery } from '@lever-assess/persistence';
import { Logger } from '@nestjs/common';
import { DispatchOutcome, isFinishedDelivery } from './dispatch-outcome';

export type DeliveryClaim = 'go' | typeof DispatchOutcome.Duplicate | typeof DispatchOutcome.AccountMissing;

const logger = new Logger('DeliveryClaim');

/**
 * Records a Lever delivery once per (account, token): 'go' for a new token, for a retry of this
 * job, and for a delivery whose processing never finished (a concurrent duplicate is safe: what
 * follows is idempotent); `duplicate` for one processed to the end before; `account-missing`
 * when the account was deleted after the gateway accepted the webhook.
 */
export async function claimDelivery(deliveries: LeverDeliveriesRepository, delivery: NewLeverDelivery): Promise<DeliveryClaim> {
  try {
    if (await deliveries.recordOnce(delivery)) return 'go';
  } catch (err) {
    if (isForeignKeyViolation(err)) return DispatchOutcome.AccountMissing;
    throw err;
  }
  const recorded = await deliveries.find(delivery.accountId, delivery.deliveryToken);
  if (recorded && isFinishedDelivery(recorded.outcome)) {
    logger.log({ outcome: recorded.outcome, msg: 'delivery already processed: duplicate dropped' });
    return DispatchOutcome.Duplicate;
  }
  return 'go';
}
