import { RULE_KINDS } from '@lever-assess/domain';
import {
  ContractFieldError,
  readHttpUrl,
  readId,
  readNullable,
  readObject,
  readOneOf,
  readPositiveInt,
  readScore,
  readString,
  readTimestamp,
} from './contract-field.reader';
import { PLATFORM_INVITATION_STATUSES, type Invitation, type InvitationState, type PlatformTest } from './platform-contract.types';

/** Parsers for the platform's answers; they throw ContractFieldError on a contract mismatch. */

export function parseTestList(json: unknown): PlatformTest[] {
  const data = readObject(json, 'body').data;
  if (!Array.isArray(data)) throw new ContractFieldError('data', 'must be an array');
  return data.map((item, i) => {
    const t = readObject(item, `data[${i}]`);
    const owner = readNullable(t.accountId, readId, `data[${i}].accountId`);
    return {
      id: readId(t.id, `data[${i}].id`),
      name: readString(t.name, `data[${i}].name`),
      kind: readOneOf(t.kind, RULE_KINDS, `data[${i}].kind`),
      durationMinutes: readPositiveInt(t.durationMinutes, `data[${i}].durationMinutes`),
      ...(owner === null ? {} : { accountId: owner }),
    };
  });
}

export function parseInvitation(json: unknown): Invitation {
  const b = readObject(json, 'body');
  return {
    id: readId(b.id, 'id'),
    status: readOneOf(b.status, PLATFORM_INVITATION_STATUSES, 'status'),
    candidateUrl: readHttpUrl(b.candidateUrl, 'candidateUrl'),
    interviewerUrl: readNullable(b.interviewerUrl, readHttpUrl, 'interviewerUrl'),
    expiresAt: readTimestamp(b.expiresAt, 'expiresAt'),
  };
}

/** `{ data: Invitation[] }` of the look-up by reference. */
export function parseInvitationList(json: unknown): Invitation[] {
  const data = readObject(json, 'body').data;
  if (!Array.isArray(data)) throw new ContractFieldError('data', 'must be an array');
  return data.map((item, i) => {
    try {
      return parseInvitation(item);
    } catch (err) {
      if (err instanceof ContractFieldError) {
        throw new ContractFieldError(err.field === 'body' ? `data[${i}]` : `data[${i}].${err.field}`, err.problem);
      }
      throw err;
    }
  });
}

export function parseInvitationState(json: unknown): InvitationState {
  const b = readObject(json, 'body');
  return {
    id: readId(b.id, 'id'),
    status: readOneOf(b.status, PLATFORM_INVITATION_STATUSES, 'status'),
    score: readNullable(b.score, readScore, 'score'),
    reportUrl: readNullable(b.reportUrl, readHttpUrl, 'reportUrl'),
  };
}
