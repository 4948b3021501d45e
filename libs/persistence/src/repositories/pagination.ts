export interface PageRequest {
  /** 1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
  limit?: number;
  /** Rows to skip, default 0. */
  offset?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Clamps a page request so a caller cannot ask for an unbounded result. */
export function normalizePage(page: PageRequest = {}): { limit: number; offset: number } {
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  const offset = Math.max(Math.trunc(page.offset ?? 0), 0);
  return { limit, offset };
}
