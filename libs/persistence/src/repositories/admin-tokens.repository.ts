import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { IsNull, type Repository } from 'typeorm';
import { AdminToken } from '../entities/admin-token.entity';

/** The stored form of a config-API token: SHA-256, hex. Tokens are random, so no salt is needed. */
export function hashAdminToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Config-API bearer tokens: vendor admin tokens (every account) and account-scoped tokens. */
@Injectable()
export class AdminTokensRepository {
  constructor(@InjectRepository(AdminToken) private readonly repo: Repository<AdminToken>) {}

  /** Stores a token by its hash (see hashAdminToken); the plaintext never reaches the database. */
  async create(name: string, tokenHash: string, accountId: string | null = null): Promise<AdminToken> {
    const { identifiers } = await this.repo.insert({ name, tokenHash, accountId });
    return this.repo.findOneByOrFail({ id: identifiers[0].id as string });
  }

  /** The token with this hash unless it was revoked. */
  findActiveByHash(tokenHash: string): Promise<AdminToken | null> {
    return this.repo.findOneBy({ tokenHash, revokedAt: IsNull() });
  }

  /** Vendor admin tokens (null) or one account's scoped tokens, oldest first. */
  list(accountId: string | null = null): Promise<AdminToken[]> {
    return this.repo.find({ where: { accountId: accountId ?? IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async touch(id: string, at: Date = new Date()): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }

  /** Resolves false when the token does not exist or was revoked already. */
  async revoke(id: string, at: Date = new Date(), accountId?: string): Promise<boolean> {
    const where = accountId === undefined ? { id, revokedAt: IsNull() } : { id, accountId, revokedAt: IsNull() };
    const { affected } = await this.repo.update(where, { revokedAt: at });
    return (affected ?? 0) > 0;
  }
}
