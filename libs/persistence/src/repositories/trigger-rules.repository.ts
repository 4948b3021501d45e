import type { RuleKind } from '@lever-assess/domain';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { TestDefinition } from '../entities/test-definition.entity';
import { TriggerRule } from '../entities/trigger-rule.entity';
import { ReferenceNotFoundError, RuleInUseError } from '../errors/persistence.errors';
import { isForeignKeyViolation } from '../errors/postgres-errors';
import { translateCheckViolation } from './constraint-errors';
import { definedFields } from './defined-fields';
import { selectEntities } from './returned-rows';

export interface NewTriggerRule {
  stageId: string;
  stageName?: string | null;
  requiredTag?: string | null;
  /** Lever posting id; null: any job. */
  postingId?: string | null;
  kind: RuleKind;
  testId?: string | null;
  passThreshold?: number | null;
  failThreshold?: number | null;
  /** Default 120 (DEFAULT_TIME_LIMIT_MINUTES). */
  timeLimitMinutes?: number;
  enabled?: boolean;
}

export type TriggerRulePatch = Partial<NewTriggerRule>;

@Injectable()
export class TriggerRulesRepository {
  constructor(
    @InjectRepository(TriggerRule) private readonly repo: Repository<TriggerRule>,
    @InjectRepository(TestDefinition) private readonly tests: Repository<TestDefinition>,
  ) {}

  /**
   * @throws ReferenceNotFoundError when `testId` is not a test of this account.
   * @throws ConstraintViolationError for thresholds outside 0-100, fail >= pass, time limit <= 0.
   */
  async create(accountId: string, input: NewTriggerRule): Promise<TriggerRule> {
    await this.assertTestInAccount(accountId, input.testId);
    const values = definedFields(input);
    try {
      const { identifiers } = await this.repo.insert({ ...values, accountId });
      return await this.repo.findOneByOrFail({ accountId, id: identifiers[0].id as string });
    } catch (err) {
      throw translateCheckViolation(err);
    }
  }

  findById(accountId: string, id: string): Promise<TriggerRule | null> {
    return this.repo.findOneBy({ accountId, id });
  }

  list(accountId: string): Promise<TriggerRule[]> {
    // Plain SQL: the workers' account cache loads it for every account after start and each change
    // (returned-rows.ts selectEntities says why).
    return selectEntities(this.repo, 'SELECT * FROM "trigger_rules" WHERE "account_id" = $1 ORDER BY "created_at" ASC, "id" ASC', [
      accountId,
    ]);
  }

  /** The rules that may fire when a candidate reaches `stageId`; the domain picks among them. */
  listEnabledForStage(accountId: string, stageId: string): Promise<TriggerRule[]> {
    return this.repo.find({ where: { accountId, stageId, enabled: true }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Resolves the updated rule, or null when it does not exist in the account. Throws as create. */
  async update(accountId: string, id: string, patch: TriggerRulePatch): Promise<TriggerRule | null> {
    await this.assertTestInAccount(accountId, patch.testId);
    const values = definedFields(patch);
    if (Object.keys(values).length > 0) {
      try {
        const { affected } = await this.repo.update({ accountId, id }, values);
        if (!affected) return null;
      } catch (err) {
        throw translateCheckViolation(err);
      }
    }
    return this.findById(accountId, id);
  }

  /** @throws RuleInUseError when assessments point at the rule (disable it instead). */
  async delete(accountId: string, id: string): Promise<boolean> {
    try {
      const { affected } = await this.repo.delete({ accountId, id });
      return (affected ?? 0) > 0;
    } catch (err) {
      if (isForeignKeyViolation(err, 'fk_assessments_rule_id')) throw new RuleInUseError(accountId, id);
      throw err;
    }
  }

  // The foreign key only proves the test exists; this proves it is the same tenant's. A test
  // never changes account, so checking before the write leaves no race that matters.
  private async assertTestInAccount(accountId: string, testId: string | null | undefined): Promise<void> {
    if (!testId) return;
    if (!(await this.tests.existsBy({ accountId, id: testId }))) throw new ReferenceNotFoundError(accountId, 'test', testId);
  }
}
