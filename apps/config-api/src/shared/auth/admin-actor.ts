import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Who is calling: the bootstrap ADMIN_TOKEN, an API token created through the API (a vendor admin
 * token, or an account-scoped one when `accountId` is set), or a console session made from a
 * one-time sign-in link. `accountId` set: the caller reaches that account only (AdminAuthGuard).
 */
export type AdminActor =
  | { kind: 'bootstrap'; accountId?: null }
  | { kind: 'admin-token'; id: string; name: string; accountId?: string | null }
  | { kind: 'sign-in-link'; id: string; name: string; accountId?: string | null };

/** The audit_log `actor` column: `bootstrap`, `admin-token:<id>` or `sign-in-link:<id>`. */
export function actorLabel(actor: AdminActor): string {
  return actor.kind === 'bootstrap' ? 'bootstrap' : `${actor.kind}:${actor.id}`;
}

/** The name shown for the actor (the console's header, its sessions): ADMIN_TOKEN has none of its own. */
export const actorName = (actor: AdminActor): string => (actor.kind === 'bootstrap' ? 'ADMIN_TOKEN' : actor.name);

/** The one account the actor may reach, or null for a vendor admin (every account). */
export const scopeOf = (actor: AdminActor): string | null => actor.accountId ?? null;

/** How the request was authenticated: a Bearer token, or the console's session cookie. */
export type AuthenticatedVia = { via: 'bearer' } | { via: 'session'; sessionId: string; secret: string; expiresAt: Date };

export type AuthenticatedRequest = FastifyRequest & { adminActor?: AdminActor; authenticatedVia?: AuthenticatedVia };

/** The actor AdminAuthGuard authenticated (every non-public route has one). */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): AdminActor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().adminActor;
  if (!actor) throw new Error('CurrentActor used on a route AdminAuthGuard does not protect');
  return actor;
});
