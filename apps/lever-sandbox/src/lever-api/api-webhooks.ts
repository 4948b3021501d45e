import { randomBytes, randomUUID } from 'node:crypto';
import {
  CONDITIONAL_WEBHOOK_EVENTS,
  LEVER_ORIGINS,
  LEVER_WEBHOOK_EVENTS,
  type ApiWebhook,
  type Company,
  type LeverWebhookEvent,
} from '../store/sandbox.model';
import { LeverApiError } from './lever-api.error';
import { isObject } from './request-input';

/**
 * Lever's webhooks API (lever-api.md 4.9) over `Company.apiWebhooks`. Bodies are checked field by
 * field; a 400 names the field. Unknown fields are ignored, like Lever's other bodies here.
 */

type Conditions = ApiWebhook['conditions'];

/** A `GET /webhooks` item (and a `PUT /webhooks` answer item): never the signature token. */
export function renderApiWebhook(w: ApiWebhook) {
  return {
    id: w.id,
    event: w.event,
    url: w.url,
    configuration: w.conditions ? { conditions: { origins: [...w.conditions.origins] } } : {},
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

/** The `POST /webhooks` item: the only answer that carries `signatureToken`. */
export function renderCreatedApiWebhook(w: ApiWebhook) {
  const shown = renderApiWebhook(w);
  return { ...shown, configuration: { ...shown.configuration, signatureToken: w.signatureToken } };
}

export function listApiWebhooks(company: Company) {
  return { data: [...company.apiWebhooks.values()].map(renderApiWebhook), hasNext: false };
}

/** `{ url, event, configuration?: { conditions?: { origins?: [...] } } }`. */
export function createApiWebhook(company: Company, body: unknown): ApiWebhook {
  if (!isObject(body)) throw bad('body must be a JSON object');
  const event = webhookEvent(body.event, 'event');
  const url = webhookUrl(body.url, 'url');
  const conditions = configurationConditions(body.configuration, 'configuration', event);
  const now = Date.now();
  const webhook: ApiWebhook = {
    id: randomUUID(),
    event,
    url,
    conditions: conditions ?? null,
    signatureToken: randomBytes(24).toString('hex'),
    createdAt: now,
    updatedAt: now,
  };
  company.apiWebhooks.set(webhook.id, webhook);
  return webhook;
}

/**
 * `{ data: [ { id, url?, configuration?: { conditions? } } ] }`. Everything is checked before
 * anything changes: one unknown id (404) or bad field (400) and no webhook is updated. A given
 * `configuration.conditions` replaces the conditions (null removes them); without it they are
 * kept. The event and the signature token never change.
 */
export function updateApiWebhooks(company: Company, body: unknown): ApiWebhook[] {
  const list = isObject(body) ? body.data : undefined;
  if (!Array.isArray(list) || list.length === 0) throw bad('data must be a non-empty array of { id, url?, configuration? }');
  const updates = list.map((item, i) => {
    const p = `data[${i}]`;
    if (!isObject(item)) throw bad(`${p} must be an object`);
    if (typeof item.id !== 'string' || item.id === '') throw bad(`${p}.id is required and must be a non-empty string`);
    const webhook = company.apiWebhooks.get(item.id);
    if (!webhook) throw LeverApiError.notFound('webhooks', item.id);
    if (item.event !== undefined && item.event !== webhook.event)
      throw bad(`${p}.event cannot be changed (${webhook.event}); delete the webhook and create one for the other event`);
    const url = item.url === undefined ? undefined : webhookUrl(item.url, `${p}.url`);
    const conditions = configurationConditions(item.configuration, `${p}.configuration`, webhook.event);
    return { webhook, url, conditions };
  });
  const now = Date.now();
  for (const { webhook, url, conditions } of updates) {
    if (url !== undefined) webhook.url = url;
    if (conditions !== undefined) webhook.conditions = conditions;
    webhook.updatedAt = now;
  }
  return [...new Set(updates.map((u) => u.webhook))];
}

export function deleteApiWebhook(company: Company, id: string): void {
  if (!company.apiWebhooks.delete(id)) throw LeverApiError.notFound('webhooks', id);
}

/** Whether an event about an opportunity of this origin goes to the webhook (no conditions: always). */
export function originMatches(webhook: ApiWebhook, origin: string): boolean {
  return !webhook.conditions || webhook.conditions.origins.includes(origin);
}

function webhookEvent(value: unknown, field: string): LeverWebhookEvent {
  if (typeof value !== 'string' || !(LEVER_WEBHOOK_EVENTS as readonly string[]).includes(value))
    throw bad(`${field} must be one of ${LEVER_WEBHOOK_EVENTS.join(', ')}`);
  return value as LeverWebhookEvent;
}

function webhookUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad(`${field} is required and must be an absolute http(s) URL`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw bad(`${field} must be an absolute http(s) URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw bad(`${field} must be an absolute http(s) URL`);
  return value;
}

/**
 * `configuration` absent, or without `conditions`: undefined (none given). `conditions: null`, or
 * conditions without `origins`: null (every opportunity). Otherwise the listed origins.
 */
function configurationConditions(value: unknown, field: string, event: LeverWebhookEvent): Conditions | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw bad(`${field} must be an object`);
  const conditions = value.conditions;
  if (conditions === undefined) return undefined;
  if (conditions === null) return null;
  if (!isObject(conditions)) throw bad(`${field}.conditions must be an object`);
  if (!CONDITIONAL_WEBHOOK_EVENTS.includes(event))
    throw bad(`${field}.conditions: ${event} webhooks take no conditions (only ${CONDITIONAL_WEBHOOK_EVENTS.join(', ')})`);
  const origins = conditions.origins;
  if (origins === undefined || origins === null) return null;
  if (
    !Array.isArray(origins) ||
    origins.length === 0 ||
    !origins.every((o) => typeof o === 'string' && (LEVER_ORIGINS as readonly string[]).includes(o))
  )
    throw bad(`${field}.conditions.origins must be a non-empty array of ${LEVER_ORIGINS.join(', ')}`);
  return { origins: [...new Set(origins as string[])] };
}

const bad = (message: string) => LeverApiError.badRequest(message);
