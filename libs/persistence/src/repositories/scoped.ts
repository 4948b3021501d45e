/**
 * Tenant data is always read and written within one account: repository methods take the
 * `accountId` as a required argument or a `Scoped<...>` value, so a query that forgets the
 * tenant does not compile.
 */
export type Scoped<T> = T & { accountId: string };
