import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is calling: the bootstrap ADMIN_TOKEN, or an admin token created through the API. */
export type AdminActor = { kind: 'bootstrap' } | { kind: 'admin-token'; id: string; name: string };

/** The audit_log `actor` column: `bootstrap` or `admin-token:<id>`. */
export function actorLabel(actor: AdminActor): string {
  return actor.kind === 'bootstrap' ? 'bootstrap' : `admin-token:${actor.id}`;
}

export type AuthenticatedRequest = FastifyRequest & { adminActor?: AdminActor };

/** The actor AdminAuthGuard authenticated (every non-public route has one). */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): AdminActor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().adminActor;
  if (!actor) throw new Error('CurrentActor used on a route AdminAuthGuard does not protect');
  return actor;
});
