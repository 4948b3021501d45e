import { AccountsRepository, ConsoleSessionsRepository, hashAdminToken } from '@lever-assess/persistence';
import { LeverOAuthClient } from '@lever-assess/lever-client';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { actorLabel, actorName, scopeOf, type AdminActor, type AuthenticatedVia } from '../shared/auth/admin-actor';
import { SESSION_TTL_MS, csrfTokenFor, newSessionSecret } from '../shared/auth/session-cookie';
import { TokenAuthenticator } from '../shared/auth/token-authenticator';
import { AuditService } from '../shared/audit/audit.service';
import { AccountNotFoundError, ConfigApiError } from '../shared/errors/api.errors';
import type { CreateSignInLinkDto, SessionDto, SignInLinkDto } from './dto/session.dto';

const DEFAULT_LINK_MINUTES = 15;

/** 401 for a token or link code that is not accepted; the message says what to do, not why. */
export class SignInRefusedError extends ConfigApiError {
  readonly code = 'SIGN_IN_REFUSED';
  readonly status = 401;
}

export interface StartedSession {
  secret: string;
  session: SessionDto;
}

/** Console sign-in: a token or a one-time link becomes a session (cookie secret stored hashed). */
@Injectable()
export class ConsoleSessionService {
  private readonly logger = new Logger(ConsoleSessionService.name);

  constructor(
    private readonly sessions: ConsoleSessionsRepository,
    private readonly accounts: AccountsRepository,
    private readonly authenticator: TokenAuthenticator,
    private readonly audit: AuditService,
    @Optional() @Inject(LeverOAuthClient) private readonly oauth?: LeverOAuthClient | null,
  ) {}

  async signInWithToken(token: string): Promise<StartedSession> {
    const actor = await this.authenticator.token(token);
    if (!actor) {
      throw new SignInRefusedError('This token is not accepted: check that it was copied whole, or ask your vendor admin for a new one');
    }
    return this.start(actor);
  }

  async signInWithLink(code: string): Promise<StartedSession> {
    const link = await this.sessions.takeLink(hashAdminToken(code));
    if (!link) {
      throw new SignInRefusedError('This sign-in link was already used or has expired: ask for a new link, or sign in with a token');
    }
    return this.start({ kind: 'sign-in-link', id: link.id, name: link.name, accountId: link.accountId });
  }

  async signOut(actor: AdminActor, via: AuthenticatedVia | undefined): Promise<void> {
    if (via?.via !== 'session') return;
    await this.sessions.revoke(via.sessionId);
    await this.audit.record(actor, {
      action: 'console.sign-out',
      accountId: scopeOf(actor),
      entityType: 'console_session',
      entityId: via.sessionId,
    });
  }

  describe(actor: AdminActor, via: AuthenticatedVia | undefined): SessionDto {
    return {
      actor: { kind: actor.kind, name: actorName(actor), accountId: scopeOf(actor) },
      via: via?.via === 'session' ? 'session' : 'bearer',
      csrfToken: via?.via === 'session' ? csrfTokenFor(via.secret) : null,
      expiresAt: via?.via === 'session' ? via.expiresAt.toISOString() : null,
      // The console offers "Connect with OAuth" only where the server can do it (LEVER_OAUTH_* set).
      leverOAuth: !!this.oauth,
    };
  }

  async createLink(actor: AdminActor, dto: CreateSignInLinkDto): Promise<SignInLinkDto> {
    if (dto.accountId && !(await this.accounts.findById(dto.accountId))) throw new AccountNotFoundError(dto.accountId);
    const code = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + (dto.expiresInMinutes ?? DEFAULT_LINK_MINUTES) * 60_000);
    const link = await this.sessions.createLink({
      codeHash: hashAdminToken(code),
      name: dto.name ?? 'sign-in link',
      accountId: dto.accountId ?? null,
      createdBy: actorLabel(actor),
      expiresAt,
    });
    await this.audit.record(actor, {
      action: 'console.sign-in-link.create',
      accountId: link.accountId,
      entityType: 'console_sign_in_link',
      entityId: link.id,
      details: { name: link.name, expiresAt: expiresAt.toISOString() },
    });
    // The code travels in the fragment: browsers never send it to a server, so no access log has it.
    return { id: link.id, path: `/console/#code=${code}`, code, expiresAt: expiresAt.toISOString() };
  }

  private async start(actor: AdminActor): Promise<StartedSession> {
    // Housekeeping off the request path: expired sessions are refused anyway; this keeps the table small.
    this.sessions.deleteExpired().catch((err: unknown) => this.logger.warn({ err, msg: 'could not delete expired console sessions' }));
    const secret = newSessionSecret();
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    const session = await this.sessions.create({
      secretHash: hashAdminToken(secret),
      actor: this.authenticator.sessionActorLabel(actor),
      actorName: actorName(actor),
      adminTokenId: actor.kind === 'admin-token' ? actor.id : null,
      accountId: scopeOf(actor),
      expiresAt,
    });
    await this.audit.record(actor, {
      action: 'console.sign-in',
      accountId: scopeOf(actor),
      entityType: 'console_session',
      entityId: session.id,
    });
    this.logger.log({ sessionId: session.id, accountId: scopeOf(actor), msg: 'console session started' });
    return { secret, session: this.describe(actor, { via: 'session', sessionId: session.id, secret, expiresAt }) };
  }
}
