import { LeverApiError } from '../lever-api/lever-api.error';
import { isObject } from '../lever-api/request-input';
import type { ChangeOptions } from '../lever-api/lever-data.service';
import type { CandidateInput, CompanyInput, KeyInput, UserInput, WebhookInput } from '../store/sandbox-input';
import {
  LEVER_PERMISSIONS,
  LEVER_WEBHOOK_EVENTS,
  TAG_CREATION_SETTINGS,
  type LeverPermission,
  type LeverWebhookEvent,
  type TagCreation,
} from '../store/sandbox.model';
import type { FaultSpec } from './fault-injector';

/** Checks control-API bodies so a typo in a test fails loudly instead of seeding nonsense. */
export function parseCompanyInput(body: unknown): CompanyInput {
  const b = object(body, 'body');
  return {
    id: optString(b.id, 'id'),
    name: string(b.name, 'name'),
    keys: optArray(b.keys, 'keys').map((k, i) => parseKey(k, `keys[${i}]`)),
    stages: optArray(b.stages, 'stages').map((s, i) => {
      if (typeof s === 'string') return { text: s };
      const o = object(s, `stages[${i}]`);
      return { id: optString(o.id, `stages[${i}].id`), text: string(o.text, `stages[${i}].text`) };
    }),
    users: optArray(b.users, 'users').map((u, i) => parseUser(u, `users[${i}]`)),
    candidates: parseCandidates(b.candidates ?? []),
    archiveReasons: optArray(b.archiveReasons, 'archiveReasons').map((r, i) => {
      const o = object(r, `archiveReasons[${i}]`);
      const type = o.type === 'hired' || o.type === 'non-hired' ? o.type : bad(`archiveReasons[${i}].type must be hired or non-hired`);
      return { id: optString(o.id, `archiveReasons[${i}].id`), text: string(o.text, `archiveReasons[${i}].text`), type };
    }),
    webhook: b.webhook === undefined ? undefined : parseWebhook(b.webhook),
    tagCreation: b.tagCreation === undefined ? undefined : tagCreation(b.tagCreation, 'tagCreation'),
  };
}

/** `{ tagCreation }` of `PUT /_sandbox/companies/:id/settings`; an unknown setting is a 400 (a typo would otherwise do nothing). */
export function parseSettings(body: unknown): { tagCreation: TagCreation } {
  const o = object(body, 'body');
  const unknown = Object.keys(o).filter((k) => k !== 'tagCreation');
  if (unknown.length) bad(`unknown settings ${unknown.join(', ')}; known: tagCreation`);
  return { tagCreation: tagCreation(o.tagCreation, 'tagCreation') };
}

function tagCreation(value: unknown, field: string): TagCreation {
  return (TAG_CREATION_SETTINGS as readonly unknown[]).includes(value)
    ? (value as TagCreation)
    : bad(`${field} must be one of ${TAG_CREATION_SETTINGS.join(', ')}`);
}

export function parseCandidates(value: unknown): CandidateInput[] {
  return optArray(value, 'candidates').map((c, i) => {
    const o = object(c, `candidates[${i}]`);
    const p = `candidates[${i}]`;
    return {
      id: optString(o.id, `${p}.id`),
      contactId: optString(o.contactId, `${p}.contactId`),
      name: string(o.name, `${p}.name`),
      headline: optString(o.headline, `${p}.headline`),
      emails: optStrings(o.emails, `${p}.emails`),
      tags: optStrings(o.tags, `${p}.tags`),
      stage: optString(o.stage, `${p}.stage`),
      links: optStrings(o.links, `${p}.links`),
      archived: o.archived === true,
      archiveReason: optString(o.archiveReason, `${p}.archiveReason`),
      confidentiality:
        o.confidentiality === undefined
          ? undefined
          : o.confidentiality === 'confidential' || o.confidentiality === 'non-confidential'
            ? o.confidentiality
            : bad(`${p}.confidentiality must be confidential or non-confidential`),
      postingId: optString(o.postingId, `${p}.postingId`),
      followers: optStrings(o.followers, `${p}.followers`),
      isAnonymized: o.isAnonymized === true,
      origin: optString(o.origin, `${p}.origin`),
      ownerId: optString(o.ownerId, `${p}.ownerId`),
    };
  });
}

/**
 * `{ url, signatureToken, signatureTokens?: { <event>: token }, events?: [...] }`. A PUT replaces the
 * whole config: events left out of signatureTokens are signed with signatureToken.
 */
export function parseWebhook(value: unknown): WebhookInput {
  const o = object(value, 'webhook');
  const url = o.url === null ? null : string(o.url, 'webhook.url');
  if (url !== null && !/^https?:\/\//.test(url)) throw LeverApiError.badRequest('webhook.url must be an http(s) URL');
  const signatureTokens: Partial<Record<LeverWebhookEvent, string>> = {};
  for (const [event, token] of Object.entries(o.signatureTokens === undefined ? {} : object(o.signatureTokens, 'webhook.signatureTokens')))
    signatureTokens[webhookEvent(event, 'webhook.signatureTokens')] = string(token, `webhook.signatureTokens.${event}`);
  // The stage-change token may come either way; signatureToken stays the fallback for the rest.
  const signatureToken =
    o.signatureToken === undefined && signatureTokens.candidateStageChange
      ? signatureTokens.candidateStageChange
      : string(o.signatureToken, 'webhook.signatureToken');
  const events =
    o.events === undefined ? undefined : (optStrings(o.events, 'webhook.events') ?? []).map((e) => webhookEvent(e, 'webhook.events'));
  return { url, signatureToken, signatureTokens, events };
}

function webhookEvent(value: string, field: string): LeverWebhookEvent {
  return (LEVER_WEBHOOK_EVENTS as readonly string[]).includes(value)
    ? (value as LeverWebhookEvent)
    : bad(`${field}: unknown event ${value}; known: ${LEVER_WEBHOOK_EVENTS.join(', ')}`);
}

/** `webhook` (boolean, default true) and `at` (ms since epoch, not in the future) of a control change. */
export function parseChangeOptions(body: unknown): ChangeOptions {
  const o = body === undefined || body === null ? {} : object(body, 'body');
  const webhook = o.webhook === undefined ? undefined : typeof o.webhook === 'boolean' ? o.webhook : bad('webhook must be a boolean');
  const at =
    o.at === undefined
      ? undefined
      : Number.isSafeInteger(o.at) && (o.at as number) >= 0 && (o.at as number) <= Date.now() + 1_000
        ? (o.at as number)
        : bad('at must be ms since epoch, not in the future');
  return { webhook, at };
}

export function parsePermissions(value: unknown, field = 'permissions'): LeverPermission[] {
  const list = optStrings(value, field) ?? [];
  const unknown = list.filter((p) => !(LEVER_PERMISSIONS as readonly string[]).includes(p));
  if (unknown.length) throw LeverApiError.badRequest(`${field}: unknown ${unknown.join(', ')}; known: ${LEVER_PERMISSIONS.join(', ')}`);
  return list as LeverPermission[];
}

export function parseFault(body: unknown): FaultSpec {
  const o = object(body, 'body');
  const status = o.status === undefined ? undefined : Number(o.status);
  if (status !== undefined && !(Number.isInteger(status) && status >= 400 && status <= 599))
    throw LeverApiError.badRequest('status must be 400-599');
  const delayMs = o.delayMs === undefined ? undefined : Number(o.delayMs);
  if (delayMs !== undefined && !(Number.isInteger(delayMs) && delayMs >= 0 && delayMs <= 60_000))
    throw LeverApiError.badRequest('delayMs must be 0-60000');
  if (status === undefined && !delayMs) throw LeverApiError.badRequest('give status and/or delayMs');
  const count = o.count === undefined ? 1 : Number(o.count);
  if (!(Number.isInteger(count) && count >= 1)) throw LeverApiError.badRequest('count must be a positive integer');
  const retryAfter = o.retryAfter === undefined ? undefined : String(o.retryAfter);
  const skip = o.skip === undefined ? 0 : Number(o.skip);
  if (!(Number.isInteger(skip) && skip >= 0)) throw LeverApiError.badRequest('skip must be a non-negative integer');
  return { status, delayMs, retryAfter, remaining: count, ...(skip > 0 ? { skip } : {}) };
}

export function parseKey(value: unknown, p: string): KeyInput {
  const o = object(value, p);
  const state =
    o.state === undefined
      ? undefined
      : o.state === 'active' || o.state === 'revoked'
        ? o.state
        : bad(`${p}.state must be active or revoked`);
  return {
    id: optString(o.id, `${p}.id`),
    apiKey: string(o.apiKey, `${p}.apiKey`),
    permissions: o.permissions === undefined ? undefined : parsePermissions(o.permissions, `${p}.permissions`),
    state,
  };
}

function parseUser(value: unknown, p: string): UserInput {
  const o = object(value, p);
  return {
    id: optString(o.id, `${p}.id`),
    name: string(o.name, `${p}.name`),
    email: string(o.email, `${p}.email`),
    accessRole: optString(o.accessRole, `${p}.accessRole`),
    deactivated: o.deactivated === true,
  };
}

function bad(message: string): never {
  throw LeverApiError.badRequest(message);
}
function object(v: unknown, field: string): Record<string, unknown> {
  return isObject(v) ? v : bad(`${field} must be an object`);
}
function string(v: unknown, field: string): string {
  return typeof v === 'string' && v !== '' ? v : bad(`${field} must be a non-empty string`);
}
function optString(v: unknown, field: string): string | undefined {
  return v === undefined || v === null ? undefined : string(v, field);
}
function optArray(v: unknown, field: string): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : bad(`${field} must be an array`);
}
function optStrings(v: unknown, field: string): string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : bad(`${field} must be an array of strings`);
}
