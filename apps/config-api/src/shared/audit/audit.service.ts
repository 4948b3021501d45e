import { AuditLogRepository } from '@lever-assess/persistence';
import { Injectable } from '@nestjs/common';
import { actorLabel, type AdminActor } from '../auth/admin-actor';

export interface AuditEvent {
  /** e.g. `account.create`, `trigger-rule.delete`. */
  action: string;
  accountId: string | null;
  entityType: string;
  entityId: string;
  /** What changed, never a secret value (names of replaced secrets are fine). */
  details?: Record<string, unknown>;
}

/** Writes who did what to audit_log; every change made through the API goes through here. */
@Injectable()
export class AuditService {
  constructor(private readonly log: AuditLogRepository) {}

  async record(actor: AdminActor, event: AuditEvent): Promise<void> {
    const details = actor.kind !== 'bootstrap' ? { ...event.details, actorName: actor.name } : (event.details ?? {});
    await this.log.write({ actor: actorLabel(actor), ...event, details });
  }
}
