import { AdminTokensRepository, ConsoleSessionsRepository, hashAdminToken } from '@lever-assess/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ConfigApiEnv } from '../../config';
import { CONFIG_API_ENV } from '../../config-api.tokens';
import { actorLabel, type AdminActor } from './admin-actor';

// lastUsedAt is for "which tokens are still in use": minute precision saves a write per request.
const TOUCH_EVERY_MS = 60_000;

export interface SessionActor {
  actor: AdminActor;
  sessionId: string;
  expiresAt: Date;
}

/** Turns a presented Bearer token or session secret into the actor, or null when not accepted. */
@Injectable()
export class TokenAuthenticator {
  private readonly logger = new Logger(TokenAuthenticator.name);
  private readonly bootstrapDigest: Buffer;
  private readonly bootstrapFingerprint: string;

  constructor(
    private readonly tokens: AdminTokensRepository,
    private readonly sessions: ConsoleSessionsRepository,
    @Inject(CONFIG_API_ENV) env: ConfigApiEnv,
  ) {
    this.bootstrapDigest = sha256(env.ADMIN_TOKEN);
    this.bootstrapFingerprint = createHash('sha256').update(this.bootstrapDigest).digest('hex').slice(0, 16);
  }

  /**
   * What a session stores as its actor: the audit label, except that a session signed in with
   * ADMIN_TOKEN records which one (`bootstrap:<fingerprint>`, a truncated hash of its hash), so
   * rotating ADMIN_TOKEN ends those sessions too.
   */
  sessionActorLabel(actor: AdminActor): string {
    return actor.kind === 'bootstrap' ? `bootstrap:${this.bootstrapFingerprint}` : actorLabel(actor);
  }

  /** ADMIN_TOKEN or an unrevoked API token (vendor or account-scoped). */
  async token(presented: string): Promise<AdminActor | null> {
    // Digests have equal length, so the comparison time does not depend on the token's length.
    if (timingSafeEqual(sha256(presented), this.bootstrapDigest)) return { kind: 'bootstrap' };
    const token = await this.tokens.findActiveByHash(hashAdminToken(presented));
    if (!token) return null;
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      this.tokens
        .touch(token.id)
        .catch((err: unknown) => this.logger.warn({ err, adminTokenId: token.id, msg: 'could not record token use' }));
    }
    return { kind: 'admin-token', id: token.id, name: token.name, accountId: token.accountId };
  }

  /** A live console session; one made from an API token ends when that token is revoked. */
  async session(secret: string): Promise<SessionActor | null> {
    const session = await this.sessions.findLive(hashAdminToken(secret));
    if (!session || session.adminTokenRevokedAt) return null;
    const [kind, id] = splitLabel(session.actor);
    // Signed in with an ADMIN_TOKEN that is no longer the one configured: over.
    if (kind === 'bootstrap' && id !== this.bootstrapFingerprint) return null;
    const actor: AdminActor =
      kind === 'bootstrap'
        ? { kind: 'bootstrap' }
        : { kind: kind === 'sign-in-link' ? 'sign-in-link' : 'admin-token', id, name: session.actorName, accountId: session.accountId };
    return { actor, sessionId: session.id, expiresAt: session.expiresAt };
  }
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function splitLabel(label: string): [string, string] {
  const colon = label.indexOf(':');
  return colon < 0 ? [label, ''] : [label.slice(0, colon), label.slice(colon + 1)];
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
