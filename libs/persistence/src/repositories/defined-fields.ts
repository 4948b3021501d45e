/**
 * The fields of a patch that are set: `undefined` means "leave unchanged", `null` means "clear".
 */
export function definedFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
