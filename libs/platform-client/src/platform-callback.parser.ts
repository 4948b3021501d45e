import { PLATFORM_EVENT_TYPES, PlatformEventType } from '@lever-assess/domain';
import { ContractFieldError, readHttpUrl, readId, readObject, readOneOf, readScore, readTimestamp } from './contract-field.reader';
import type { PlatformCallbackEvent } from './platform-contract.types';

/** A callback body that does not match the contract. `field` is the dotted path at fault. */
export class PlatformCallbackParseError extends Error {
  readonly code = 'INVALID_PLATFORM_CALLBACK';

  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Invalid platform callback: ${field} ${problem}`);
    this.name = 'PlatformCallbackParseError';
  }
}

/**
 * Validates a parsed callback body and returns a fresh object holding only the contract's
 * fields (unknown fields are dropped so they never reach the queue).
 * @throws PlatformCallbackParseError naming the bad field.
 */
export function parsePlatformCallback(json: unknown): PlatformCallbackEvent {
  try {
    const body = readObject(json, 'body');
    const id = readId(body.id, 'id');
    const type = readOneOf(body.type, PLATFORM_EVENT_TYPES, 'type');
    const raw = readObject(body.data, 'data');
    const data: PlatformCallbackEvent['data'] = {
      invitationId: readId(raw.invitationId, 'data.invitationId'),
      reference: readId(raw.reference, 'data.reference'),
      occurredAt: readTimestamp(raw.occurredAt, 'data.occurredAt'),
    };
    // A scored event without a score is useless downstream, so it is refused here.
    if (raw.score !== undefined && raw.score !== null) data.score = readScore(raw.score, 'data.score');
    else if (type === PlatformEventType.Scored) throw new ContractFieldError('data.score', 'is required for invitation.scored');
    if (raw.reportUrl !== undefined && raw.reportUrl !== null) data.reportUrl = readHttpUrl(raw.reportUrl, 'data.reportUrl');
    return { id, type, data };
  } catch (err) {
    if (err instanceof ContractFieldError) throw new PlatformCallbackParseError(err.field, err.problem);
    throw err;
  }
}
