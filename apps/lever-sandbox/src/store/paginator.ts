import { randomUUID } from 'node:crypto';
import { LeverApiError } from '../lever-api/lever-api.error';

export interface LeverListPage<T> {
  data: T[];
  next?: string;
  hasNext: boolean;
}

/** Most offset tokens kept; older ones answer 400 like any unknown token. */
const MAX_TOKENS = 20_000;

/**
 * Lever-style pagination: `limit` 1-100 (default 100) and opaque `offset` tokens that only this
 * server issued, each bound to the company and list it came from.
 */
export class Paginator {
  private readonly tokens = new Map<string, { scope: string; position: number }>();

  clear(): void {
    this.tokens.clear();
  }

  page<T>(items: readonly T[], scope: string, query: { limit?: unknown; offset?: unknown }): LeverListPage<T> {
    const limit = parseLimit(query.limit);
    let start = 0;
    if (query.offset !== undefined && query.offset !== '') {
      const entry = typeof query.offset === 'string' ? this.tokens.get(query.offset) : undefined;
      if (!entry || entry.scope !== scope) throw LeverApiError.badRequest('Invalid offset: use the "next" value of a previous page');
      start = entry.position;
    }
    const data = items.slice(start, start + limit);
    const end = start + data.length;
    if (end >= items.length) return { data, hasNext: false };
    return { data, next: this.issue(scope, end), hasNext: true };
  }

  private issue(scope: string, position: number): string {
    // Shaped like Lever's tokens ("0.1414895548650.a6070140-..."); callers must treat them as opaque.
    const token = `0.${Date.now()}.${randomUUID()}`;
    this.tokens.set(token, { scope, position });
    if (this.tokens.size > MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value as string);
    return token;
  }
}

function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return 100;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw LeverApiError.badRequest('limit must be an integer from 1 to 100');
  return n;
}
