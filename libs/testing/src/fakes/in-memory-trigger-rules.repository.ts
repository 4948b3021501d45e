import { DEFAULT_TIME_LIMIT_MINUTES } from '@lever-assess/domain';
import {
  ConstraintViolationError,
  ReferenceNotFoundError,
  RuleInUseError,
  type NewTriggerRule,
  type TriggerRule,
  type TriggerRulePatch,
  type TriggerRulesRepository,
} from '@lever-assess/persistence';
import { byCreation, copyRow, definedFields, type InMemoryStore } from './in-memory-store';
import type { PublicOf } from './public-of';

/** The CHECK constraints of trigger_rules, by name. */
function violatedCheck(rule: TriggerRule): string | null {
  const inRange = (v: number | null) => v === null || (v >= 0 && v <= 100);
  if (!inRange(rule.passThreshold)) return 'ck_trigger_rules_pass_threshold';
  if (!inRange(rule.failThreshold)) return 'ck_trigger_rules_fail_threshold';
  if (rule.passThreshold !== null && rule.failThreshold !== null && rule.failThreshold >= rule.passThreshold) {
    return 'ck_trigger_rules_fail_below_pass';
  }
  if (rule.timeLimitMinutes <= 0) return 'ck_trigger_rules_time_limit';
  return null;
}

/** TriggerRulesRepository over an InMemoryStore: tenant-checked test ids, the CHECKs, in-use rules kept. */
export class InMemoryTriggerRulesRepository implements PublicOf<TriggerRulesRepository> {
  constructor(private readonly store: InMemoryStore) {}

  asRepository(): TriggerRulesRepository {
    return this as unknown as TriggerRulesRepository;
  }

  async create(accountId: string, input: NewTriggerRule): Promise<TriggerRule> {
    this.store.assertReachable();
    this.assertTestInAccount(accountId, input.testId);
    const now = this.store.now();
    const row: TriggerRule = {
      id: this.store.newId(),
      accountId,
      stageId: input.stageId,
      stageName: input.stageName ?? null,
      requiredTag: input.requiredTag ?? null,
      postingId: input.postingId ?? null,
      kind: input.kind,
      testId: input.testId ?? null,
      passThreshold: input.passThreshold ?? null,
      failThreshold: input.failThreshold ?? null,
      timeLimitMinutes: input.timeLimitMinutes ?? DEFAULT_TIME_LIMIT_MINUTES,
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    const check = violatedCheck(row);
    if (check) throw new ConstraintViolationError(check);
    this.store.rules.set(row.id, row);
    return copyRow(row);
  }

  async findById(accountId: string, id: string): Promise<TriggerRule | null> {
    this.store.assertReachable();
    const row = this.store.rules.get(id);
    return row?.accountId === accountId ? copyRow(row) : null;
  }

  async list(accountId: string): Promise<TriggerRule[]> {
    this.store.assertReachable();
    return this.where((r) => r.accountId === accountId);
  }

  async listEnabledForStage(accountId: string, stageId: string): Promise<TriggerRule[]> {
    this.store.assertReachable();
    return this.where((r) => r.accountId === accountId && r.stageId === stageId && r.enabled);
  }

  async update(accountId: string, id: string, patch: TriggerRulePatch): Promise<TriggerRule | null> {
    this.store.assertReachable();
    this.assertTestInAccount(accountId, patch.testId);
    const row = this.store.rules.get(id);
    if (!row || row.accountId !== accountId) return null;
    const updated = { ...row, ...definedFields(patch), updatedAt: this.store.now() };
    const check = violatedCheck(updated);
    if (check) throw new ConstraintViolationError(check);
    this.store.rules.set(id, updated);
    return copyRow(updated);
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    this.store.assertReachable();
    const row = this.store.rules.get(id);
    if (!row || row.accountId !== accountId) return false;
    if ([...this.store.assessments.values()].some((a) => a.ruleId === id)) throw new RuleInUseError(accountId, id);
    this.store.rules.delete(id);
    return true;
  }

  private where(match: (rule: TriggerRule) => boolean): TriggerRule[] {
    return [...this.store.rules.values()].filter(match).sort(byCreation).map(copyRow);
  }

  private assertTestInAccount(accountId: string, testId: string | null | undefined): void {
    if (!testId) return;
    if (this.store.tests.get(testId)?.accountId !== accountId) throw new ReferenceNotFoundError(accountId, 'test', testId);
  }
}
