import type { RuleKind } from '@lever-assess/domain';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { TestDefinition } from '../entities/test-definition.entity';
import { TestInUseError, TestNameTakenError } from '../errors/persistence.errors';
import { isForeignKeyViolation, isUniqueViolation } from '../errors/postgres-errors';
import { translateCheckViolation } from './constraint-errors';
import { definedFields } from './defined-fields';
import { selectEntities } from './returned-rows';

export interface NewTest {
  /** Also the override tag; unique per account, case-insensitively. */
  name: string;
  platformTestId: string;
  kind: RuleKind;
}

export type TestPatch = Partial<NewTest>;

const UQ_TEST_NAME = 'uq_tests_account_lower_name';

/** The account's test catalog. */
@Injectable()
export class TestsRepository {
  constructor(@InjectRepository(TestDefinition) private readonly repo: Repository<TestDefinition>) {}

  /** @throws TestNameTakenError when the name exists already (any case). */
  async create(accountId: string, input: NewTest): Promise<TestDefinition> {
    try {
      const { identifiers } = await this.repo.insert({ accountId, ...input });
      return await this.repo.findOneByOrFail({ accountId, id: identifiers[0].id as string });
    } catch (err) {
      throw this.translate(err, accountId);
    }
  }

  findById(accountId: string, id: string): Promise<TestDefinition | null> {
    return this.repo.findOneBy({ accountId, id });
  }

  /** The test whose name equals `name` ignoring case (the override tag lookup). */
  findByNameInsensitive(accountId: string, name: string): Promise<TestDefinition | null> {
    return this.repo
      .createQueryBuilder('t')
      .where('t.accountId = :accountId', { accountId })
      .andWhere('lower(t.name) = lower(:name)', { name })
      .getOne();
  }

  /** Every test named like one of `names` (a candidate's tags), ignoring case. */
  async findByAnyNameInsensitive(accountId: string, names: readonly string[]): Promise<TestDefinition[]> {
    if (names.length === 0) return [];
    return this.repo
      .createQueryBuilder('t')
      .where('t.accountId = :accountId', { accountId })
      .andWhere('lower(t.name) IN (:...names)', { names: names.map((n) => n.toLowerCase()) })
      .orderBy('t.name', 'ASC')
      .getMany();
  }

  list(accountId: string): Promise<TestDefinition[]> {
    // Plain SQL: the workers' account cache loads it for every account after start and each change
    // (returned-rows.ts selectEntities says why).
    return selectEntities(this.repo, 'SELECT * FROM "tests" WHERE "account_id" = $1 ORDER BY "name" ASC, "id" ASC', [accountId]);
  }

  /** Resolves the updated test, or null when it does not exist in the account. */
  async update(accountId: string, id: string, patch: TestPatch): Promise<TestDefinition | null> {
    const values = definedFields(patch);
    if (Object.keys(values).length > 0) {
      try {
        const { affected } = await this.repo.update({ accountId, id }, values);
        if (!affected) return null;
      } catch (err) {
        throw this.translate(err, accountId);
      }
    }
    return this.findById(accountId, id);
  }

  /** @throws TestInUseError when a trigger rule still uses the test. */
  async delete(accountId: string, id: string): Promise<boolean> {
    try {
      const { affected } = await this.repo.delete({ accountId, id });
      return (affected ?? 0) > 0;
    } catch (err) {
      if (isForeignKeyViolation(err, 'fk_trigger_rules_test_id')) throw new TestInUseError(accountId, id);
      throw err;
    }
  }

  private translate(err: unknown, accountId: string): unknown {
    return isUniqueViolation(err, UQ_TEST_NAME) ? new TestNameTakenError(accountId) : translateCheckViolation(err);
  }
}
