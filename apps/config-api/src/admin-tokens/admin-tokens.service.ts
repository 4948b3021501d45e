import { AdminTokensRepository, hashAdminToken } from '@lever-assess/persistence';
import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { NotFoundApiError } from '../shared/errors/api.errors';
import { AdminTokenDto, type CreatedAdminTokenDto } from './dto/admin-token-response.dto';

/** `la_` + 32 random bytes: recognisable in a secret scanner, and not guessable. */
const newTokenSecret = () => `la_${randomBytes(32).toString('base64url')}`;

@Injectable()
export class AdminTokensService {
  private readonly logger = new Logger(AdminTokensService.name);

  constructor(
    private readonly tokens: AdminTokensRepository,
    private readonly audit: AuditService,
  ) {}

  /** A vendor admin token (`accountId` null) or an account token limited to that account. */
  async create(actor: AdminActor, name: string, accountId: string | null = null): Promise<CreatedAdminTokenDto> {
    const secret = newTokenSecret();
    const token = await this.tokens.create(name, hashAdminToken(secret), accountId);
    await this.audit.record(actor, {
      action: accountId ? 'account-token.create' : 'admin-token.create',
      accountId,
      entityType: 'admin_token',
      entityId: token.id,
      details: { name },
    });
    this.logger.log({ adminTokenId: token.id, accountId, msg: 'admin token created' });
    return { ...AdminTokenDto.from(token), token: secret };
  }

  /** Vendor admin tokens, or (with `accountId`) that account's tokens. */
  async list(accountId: string | null = null): Promise<AdminTokenDto[]> {
    return (await this.tokens.list(accountId)).map((t) => AdminTokenDto.from(t));
  }

  /** With `accountId`, only a token of that account is revoked (a wrong pair is a 404). */
  async revoke(actor: AdminActor, id: string, accountId?: string): Promise<void> {
    if (!(await this.tokens.revoke(id, new Date(), accountId))) {
      throw new NotFoundApiError('ADMIN_TOKEN_NOT_FOUND', `No active token ${id}${accountId ? ' for this account' : ''}`);
    }
    await this.audit.record(actor, {
      action: accountId ? 'account-token.revoke' : 'admin-token.revoke',
      accountId: accountId ?? null,
      entityType: 'admin_token',
      entityId: id,
    });
    this.logger.log({ adminTokenId: id, accountId, msg: 'admin token revoked' });
  }
}
