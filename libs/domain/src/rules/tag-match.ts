/**
 * How lever-assess compares a candidate's tags with rule tags and catalog test names: trimmed and
 * case-insensitive. Lever tags are case-sensitive strings, but recruiters type them by hand
 * ("python advanced" vs "Python Advanced "), and a near-miss would silently send nothing; the
 * catalog's names are unique ignoring case too, so the comparison can never be ambiguous.
 */
export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase();
}

/** The candidate's tags, normalized, blanks dropped. */
export function tagSet(tags: readonly string[]): Set<string> {
  return new Set(tags.map(normalizeTag).filter((t) => t.length > 0));
}

/** The candidate's original tag (as written in Lever) that equals `wanted`, if any. */
export function findTag(candidateTags: readonly string[], wanted: string): string | undefined {
  const target = normalizeTag(wanted);
  if (!target) return undefined;
  return candidateTags.find((t) => normalizeTag(t) === target);
}
