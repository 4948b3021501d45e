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

  async create(actor: AdminActor, name: string): Promise<CreatedAdminTokenDto> {
    const secret = newTokenSecret();
    const token = await this.tokens.create(name, hashAdminToken(secret));
    await this.audit.record(actor, {
      action: 'admin-token.create',
      accountId: null,
      entityType: 'admin_token',
      entityId: token.id,
      details: { name },
    });
    this.logger.log({ adminTokenId: token.id, msg: 'admin token created' });
    return { ...AdminTokenDto.from(token), token: secret };
  }

  async list(): Promise<AdminTokenDto[]> {
    return (await this.tokens.list()).map((t) => AdminTokenDto.from(t));
  }

  async revoke(actor: AdminActor, id: string): Promise<void> {
    if (!(await this.tokens.revoke(id))) throw new NotFoundApiError('ADMIN_TOKEN_NOT_FOUND', `No active admin token ${id}`);
    await this.audit.record(actor, { action: 'admin-token.revoke', accountId: null, entityType: 'admin_token', entityId: id });
    this.logger.log({ adminTokenId: id, msg: 'admin token revoked' });
  }
}
