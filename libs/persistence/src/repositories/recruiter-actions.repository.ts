import type { RecruiterAction } from '@lever-assess/domain';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThanOrEqual, type Repository } from 'typeorm';
import { RecruiterActionRecord, RecruiterActionStatus } from '../entities/recruiter-action.entity';
import type { Scoped } from './scoped';
import { entitiesFromReturnedRows } from './returned-rows';

export type RecruiterActionKey = Scoped<{ opportunityId: string; action: RecruiterAction }>;

/** Recruiter action tags the sweep handled: claimed before acting, closed when the tag is gone. */
@Injectable()
export class RecruiterActionsRepository {
  constructor(@InjectRepository(RecruiterActionRecord) private readonly repo: Repository<RecruiterActionRecord>) {}

  /**
   * Claims the action before it runs. `claimed: false` with the existing row when an earlier
   * sweep acted and its tag is not removed yet (the unique 'acted' index decides, also between
   * replicas): the caller then only removes the tag.
   */
  async claim(key: RecruiterActionKey): Promise<{ record: RecruiterActionRecord; claimed: boolean }> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({ accountId: key.accountId, opportunityId: key.opportunityId, action: key.action, status: RecruiterActionStatus.Acted })
      .orIgnore()
      .returning('*')
      .execute();
    const [inserted] = entitiesFromReturnedRows(this.repo, result.raw);
    if (inserted) return { record: inserted, claimed: true };
    const existing = await this.repo.findOneBy({ ...key, status: RecruiterActionStatus.Acted });
    // Closed between the insert and the read: claim again (a tag seen again is a new action).
    return existing ? { record: existing, claimed: false } : this.claim(key);
  }

  /** What acting did (and on which assessment). */
  async setOutcome(accountId: string, id: string, assessmentId: string | null, outcome: string): Promise<void> {
    await this.repo.update({ accountId, id }, { assessmentId, outcome, updatedAt: new Date() });
  }

  /** Acting failed before anything changed: the next sweep tries again. */
  async release(accountId: string, id: string): Promise<void> {
    await this.repo.delete({ accountId, id, status: RecruiterActionStatus.Acted });
  }

  /** The tag is gone from Lever: the action is closed. */
  async markTagRemoved(accountId: string, id: string): Promise<void> {
    await this.repo.update({ accountId, id }, { status: RecruiterActionStatus.TagRemoved, updatedAt: new Date() });
  }

  /**
   * True when this action's tag was removed at or after `since`: a sweep that listed the tag
   * before then saw the tag that was just handled, not a new one.
   */
  async removedSince(key: RecruiterActionKey, since: Date): Promise<boolean> {
    return this.repo.existsBy({ ...key, status: RecruiterActionStatus.TagRemoved, updatedAt: MoreThanOrEqual(since) });
  }

  listForOpportunity(accountId: string, opportunityId: string): Promise<RecruiterActionRecord[]> {
    return this.repo.find({ where: { accountId, opportunityId }, order: { createdAt: 'ASC' } });
  }
}
