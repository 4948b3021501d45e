import { redactSecrets } from '@lever-assess/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditLogEntry } from '../entities/audit-log-entry.entity';
import { normalizePage, type Page, type PageRequest } from './pagination';

export interface NewAuditEntry {
  actor: string;
  action: string;
  /** Null for actions outside any account (admin tokens, ...). */
  accountId: string | null;
  entityType: string;
  entityId: string;
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditLogRepository {
  constructor(@InjectRepository(AuditLogEntry) private readonly repo: Repository<AuditLogEntry>) {}

  /** Secret-looking keys in `details` (apiKey, token, ...) are stored as "[redacted]". */
  async write(entry: NewAuditEntry): Promise<void> {
    // insert() types jsonb values as deep-partial entities; the object is plain JSON.
    await this.repo.insert({
      actor: entry.actor,
      action: entry.action,
      accountId: entry.accountId,
      entityType: entry.entityType,
      entityId: entry.entityId,
      details: redactSecrets(entry.details ?? {}) as never,
    });
  }

  /** Newest first. */
  async listForAccount(accountId: string, page?: PageRequest): Promise<Page<AuditLogEntry>> {
    const { limit, offset } = normalizePage(page);
    const [items, total] = await this.repo.findAndCount({
      where: { accountId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
    return { items, total, limit, offset };
  }
}
