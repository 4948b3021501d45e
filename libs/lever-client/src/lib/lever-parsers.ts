import type {
  LeverApplication,
  LeverArchiveReason,
  LeverNote,
  LeverOpportunity,
  LeverPage,
  LeverStage,
  LeverStageChange,
  LeverTag,
  LeverUser,
  LeverWebhook,
  LeverCreatedWebhook,
} from './lever.types';

/**
 * Defensive readers for Lever responses: Lever adds fields at any time and its examples mix
 * number and string timestamps, so unknown fields are ignored and types are checked one by one.
 * A response without the fields we need is a LeverResponseShapeError, not a silent undefined.
 */
export class LeverResponseShapeError extends Error {
  readonly code = 'LEVER_RESPONSE_SHAPE';
  constructor(what: string) {
    super(`Unexpected Lever response: ${what}`);
    this.name = 'LeverResponseShapeError';
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Milliseconds since the epoch, given as a JSON number or a numeric string. */
export function parseTimestamp(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return null;
}

function requireId(o: Obj, what: string): string {
  const id = str(o.id);
  if (!id) throw new LeverResponseShapeError(`${what} without an id`);
  return id;
}

/** The `data` field of a `{ data: ... }` envelope. */
export function unwrapData(body: unknown, what: string): unknown {
  if (!isObj(body) || !('data' in body)) throw new LeverResponseShapeError(`${what}: no data field`);
  return body.data;
}

export function parsePage<T>(body: unknown, what: string, item: (v: unknown) => T): LeverPage<T> {
  const data = unwrapData(body, what);
  if (!Array.isArray(data)) throw new LeverResponseShapeError(`${what}: data is not a list`);
  const o = body as Obj;
  const next = str(o.next);
  // A missing hasNext means the last page (several Lever examples omit it).
  return { data: data.map(item), next, hasNext: o.hasNext === true && next !== null };
}

export function parseOpportunity(v: unknown): LeverOpportunity {
  if (!isObj(v)) throw new LeverResponseShapeError('opportunity is not an object');
  const stage = v.stage;
  const urls = isObj(v.urls) ? v.urls : {};
  const archivedObj = isObj(v.archived) ? v.archived : {};
  return {
    id: requireId(v, 'opportunity'),
    name: str(v.name) ?? '',
    contactId: str(v.contact) ?? (isObj(v.contact) ? str(v.contact.id) : null),
    emails: strings(v.emails),
    tags: strings(v.tags),
    stageId: typeof stage === 'string' ? stage : isObj(stage) ? str(stage.id) : null,
    stageName: isObj(stage) ? str(stage.text) : null,
    archived: isArchived(v),
    archivedAt: parseTimestamp(v.archivedAt) ?? parseTimestamp(archivedObj.archivedAt),
    archiveReason: str(v.archiveReason) ?? str(archivedObj.reason),
    confidentiality: str(v.confidentiality),
    isAnonymized: v.isAnonymized === true,
    urls: { show: str(urls.show) },
    links: strings(v.links),
    applications: Array.isArray(v.applications) ? v.applications.map(parseApplication) : [],
    createdAt: parseTimestamp(v.createdAt),
    updatedAt: parseTimestamp(v.updatedAt),
    lastAdvancedAt: parseTimestamp(v.lastAdvancedAt),
    stageChanges: Array.isArray(v.stageChanges) ? v.stageChanges.flatMap(parseStageChange) : [],
    followers: Array.isArray(v.followers) ? v.followers.map((f) => (isObj(f) ? str(f.id) : str(f))).filter((x) => x !== null) : [],
  };
}

/** An entry without toStageId says nothing usable and is dropped rather than failing the whole read. */
function parseStageChange(v: unknown): LeverStageChange[] {
  if (!isObj(v)) return [];
  const toStageId = str(v.toStageId);
  if (!toStageId) return [];
  const index = typeof v.toStageIndex === 'number' ? v.toStageIndex : parseTimestamp(v.toStageIndex);
  return [{ toStageId, toStageIndex: index, userId: str(v.userId), updatedAt: parseTimestamp(v.updatedAt) }];
}

export function parseArchiveReason(v: unknown): LeverArchiveReason {
  if (!isObj(v)) throw new LeverResponseShapeError('archive reason is not an object');
  return { id: requireId(v, 'archive reason'), text: str(v.text) ?? '', type: str(v.type), status: str(v.status) };
}

/** Lever shows archive state as `archived: {reason, archivedAt}` or top-level archivedAt/archiveReason. */
function isArchived(v: Obj): boolean {
  const set = (x: unknown) => x !== null && x !== undefined && x !== false;
  return set(v.archived) || set(v.archivedAt) || set(v.archiveReason);
}

function parseApplication(v: unknown): LeverApplication {
  if (typeof v === 'string') return { id: v, postingId: null, type: null };
  if (!isObj(v)) throw new LeverResponseShapeError('application is neither an id nor an object');
  return { id: requireId(v, 'application'), postingId: str(v.posting), type: str(v.type) };
}

export function parseStage(v: unknown): LeverStage {
  if (!isObj(v)) throw new LeverResponseShapeError('stage is not an object');
  return { id: requireId(v, 'stage'), text: str(v.text) ?? '' };
}

export function parseUser(v: unknown): LeverUser {
  if (!isObj(v)) throw new LeverResponseShapeError('user is not an object');
  return {
    id: requireId(v, 'user'),
    name: str(v.name) ?? '',
    email: str(v.email),
    accessRole: str(v.accessRole),
    deactivatedAt: parseTimestamp(v.deactivatedAt),
  };
}

export function parseTag(v: unknown): LeverTag {
  if (!isObj(v) || typeof v.text !== 'string') throw new LeverResponseShapeError('tag without text');
  return { text: v.text, count: typeof v.count === 'number' ? v.count : 0 };
}

export function parseWebhook(v: unknown): LeverWebhook {
  if (!isObj(v)) throw new LeverResponseShapeError('webhook is not an object');
  const event = str(v.event);
  const url = str(v.url);
  if (!event || !url) throw new LeverResponseShapeError('webhook without event or url');
  const configuration = isObj(v.configuration) ? v.configuration : {};
  const conditions = isObj(configuration.conditions) ? configuration.conditions : null;
  return {
    id: requireId(v, 'webhook'),
    event,
    url,
    origins: conditions && Array.isArray(conditions.origins) ? strings(conditions.origins) : null,
    createdAt: parseTimestamp(v.createdAt),
    updatedAt: parseTimestamp(v.updatedAt),
  };
}

/** POST /webhooks: Lever's example wraps the webhook twice (`data.data`); one `data` is read too. */
export function parseCreatedWebhook(body: unknown): LeverCreatedWebhook {
  let data = unwrapData(body, 'created webhook');
  if (isObj(data) && isObj(data.data) && !('id' in data)) data = data.data;
  const webhook = parseWebhook(data);
  const configuration = isObj((data as Obj).configuration) ? ((data as Obj).configuration as Obj) : {};
  const signatureToken = str(configuration.signatureToken);
  if (!signatureToken) throw new LeverResponseShapeError('created webhook without configuration.signatureToken');
  return { ...webhook, signatureToken };
}

export function parseNote(v: unknown): LeverNote {
  if (!isObj(v)) throw new LeverResponseShapeError('note is not an object');
  const fields = Array.isArray(v.fields) ? v.fields.filter(isObj) : [];
  const value = fields.map((f) => str(f.value)).find((x) => x !== null) ?? str(v.value) ?? str(v.text) ?? '';
  return {
    id: requireId(v, 'note'),
    value,
    userId: str(v.user) ?? (isObj(v.user) ? str(v.user.id) : null),
    secret: v.secret === true,
    createdAt: parseTimestamp(v.createdAt),
  };
}

export function parseNoteId(body: unknown): { noteId: string } {
  const data = unwrapData(body, 'create note');
  const noteId = isObj(data) ? str(data.noteId) : null;
  if (!noteId) throw new LeverResponseShapeError('create note: no noteId');
  return { noteId };
}

/** Lever's error body `{ code, message }`, when the body is JSON with those fields. */
export function parseErrorBody(text: string): { leverCode?: string; leverMessage?: string } {
  try {
    const v: unknown = JSON.parse(text);
    if (!isObj(v)) return {};
    return { leverCode: str(v.code) ?? undefined, leverMessage: str(v.message)?.slice(0, 500) ?? undefined };
  } catch {
    return {};
  }
}
