import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, MoreThan, type Repository } from 'typeorm';
import { ConsoleSession, ConsoleSignInLink } from '../entities/console-session.entity';

export interface NewConsoleSession {
  secretHash: string;
  actor: string;
  actorName: string;
  adminTokenId: string | null;
  accountId: string | null;
  expiresAt: Date;
}

/** A live session with the revocation time of the admin token it was made from (if any). */
export type ConsoleSessionWithToken = ConsoleSession & { adminTokenRevokedAt: Date | null };

/** Console sessions and one-time sign-in links; secrets arrive hashed (hashAdminToken). */
@Injectable()
export class ConsoleSessionsRepository {
  constructor(
    @InjectRepository(ConsoleSession) private readonly sessions: Repository<ConsoleSession>,
    @InjectRepository(ConsoleSignInLink) private readonly links: Repository<ConsoleSignInLink>,
  ) {}

  async create(session: NewConsoleSession): Promise<ConsoleSession> {
    const { identifiers } = await this.sessions.insert(session);
    return this.sessions.findOneByOrFail({ id: identifiers[0].id as string });
  }

  /** The unexpired, unrevoked session with this secret hash, with its token's revocation. */
  async findLive(secretHash: string, now: Date = new Date()): Promise<ConsoleSessionWithToken | null> {
    const session = await this.sessions.findOne({
      where: { secretHash, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      relations: { adminToken: true },
    });
    if (!session) return null;
    const { adminToken, ...rest } = session;
    return Object.assign(new ConsoleSession(), rest, { adminTokenRevokedAt: adminToken?.revokedAt ?? null });
  }

  async revoke(id: string, at: Date = new Date()): Promise<void> {
    await this.sessions.update({ id, revokedAt: IsNull() }, { revokedAt: at });
  }

  /** Drops sessions that expired before `before` (housekeeping; they are refused anyway). */
  async deleteExpired(before: Date = new Date()): Promise<number> {
    const { affected } = await this.sessions.delete({ expiresAt: LessThan(before) });
    return affected ?? 0;
  }

  async createLink(
    link: Pick<ConsoleSignInLink, 'codeHash' | 'name' | 'accountId' | 'createdBy' | 'expiresAt'>,
  ): Promise<ConsoleSignInLink> {
    const { identifiers } = await this.links.insert(link);
    return this.links.findOneByOrFail({ id: identifiers[0].id as string });
  }

  /**
   * Takes the link once: one conditional UPDATE marks it used only if it is unused and unexpired,
   * so two browsers racing with one code cannot both get a session.
   */
  async takeLink(codeHash: string, now: Date = new Date()): Promise<ConsoleSignInLink | null> {
    const { raw } = await this.links
      .createQueryBuilder()
      .update()
      .set({ usedAt: now })
      .where('code_hash = :codeHash AND used_at IS NULL AND expires_at > :now', { codeHash, now })
      .returning('id')
      .execute();
    const row = (raw as Array<{ id: string }>)[0];
    return row ? this.links.findOneByOrFail({ id: row.id }) : null;
  }
}
