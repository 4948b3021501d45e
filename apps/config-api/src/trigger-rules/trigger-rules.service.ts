import { AccountChangesPublisher } from '@lever-assess/redis';
import { DEFAULT_TIME_LIMIT_MINUTES } from '@lever-assess/domain';
import { TestsRepository, TriggerRulesRepository, type TriggerRulePatch } from '@lever-assess/persistence';
import { Injectable } from '@nestjs/common';
import { LeverStagesService } from '../lever/lever-stages.service';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import type { AdminActor } from '../shared/auth/admin-actor';
import { AuditService } from '../shared/audit/audit.service';
import { NotFoundApiError, RequestValidationError, type FieldError } from '../shared/errors/api.errors';
import { TriggerRuleDto, type CreateTriggerRuleDto, type UpdateTriggerRuleDto } from './dto/trigger-rule.dto';
import { resolveStage } from './stage-resolver';
import { ruleShapeErrors, type RuleShape } from './trigger-rule-shape.validator';

const ruleNotFound = (ruleId: string) =>
  new NotFoundApiError('TRIGGER_RULE_NOT_FOUND', `Trigger rule ${ruleId} does not exist in this account`);

/** Trigger rules: stage (checked against Lever) + optional tag + kind + test + thresholds. */
@Injectable()
export class TriggerRulesService {
  constructor(
    private readonly rules: TriggerRulesRepository,
    private readonly tests: TestsRepository,
    private readonly stages: LeverStagesService,
    private readonly lookup: AccountLookup,
    private readonly audit: AuditService,
    private readonly changes: AccountChangesPublisher,
  ) {}

  async create(actor: AdminActor, accountId: string, dto: CreateTriggerRuleDto): Promise<TriggerRuleDto> {
    await this.lookup.require(accountId);
    const shape: RuleShape = {
      kind: dto.kind,
      testId: dto.testId ?? null,
      passThreshold: dto.passThreshold ?? null,
      failThreshold: dto.failThreshold ?? null,
    };
    const errors = [...ruleShapeErrors(shape), ...(await this.testErrors(accountId, dto.testId))];
    const resolution = resolveStage(await this.stages.list(accountId), dto);
    if ('error' in resolution) errors.unshift(resolution.error);
    if (errors.length || 'error' in resolution) throw new RequestValidationError(errors);

    const rule = await this.rules.create(accountId, {
      stageId: resolution.stage.id,
      stageName: resolution.stage.text,
      requiredTag: dto.requiredTag ?? null,
      postingId: dto.postingId ?? null,
      kind: dto.kind,
      testId: dto.testId ?? null,
      passThreshold: dto.passThreshold ?? null,
      failThreshold: dto.failThreshold ?? null,
      timeLimitMinutes: dto.timeLimitMinutes ?? DEFAULT_TIME_LIMIT_MINUTES,
      enabled: dto.enabled ?? true,
    });
    const saved = TriggerRuleDto.from(rule);
    await this.record(actor, accountId, 'trigger-rule.create', rule.id, { ...saved });
    return saved;
  }

  async list(accountId: string): Promise<TriggerRuleDto[]> {
    await this.lookup.require(accountId);
    return (await this.rules.list(accountId)).map((r) => TriggerRuleDto.from(r));
  }

  async get(accountId: string, ruleId: string): Promise<TriggerRuleDto> {
    await this.lookup.require(accountId);
    const rule = await this.rules.findById(accountId, ruleId);
    if (!rule) throw ruleNotFound(ruleId);
    return TriggerRuleDto.from(rule);
  }

  /** The PATCH is merged over the current rule, and the result must be a valid rule. */
  async update(actor: AdminActor, accountId: string, ruleId: string, dto: UpdateTriggerRuleDto): Promise<TriggerRuleDto> {
    await this.lookup.require(accountId);
    const current = await this.rules.findById(accountId, ruleId);
    if (!current) throw ruleNotFound(ruleId);
    const pick = <T>(given: T | undefined, existing: T): T => (given === undefined ? existing : given);
    const shape: RuleShape = {
      kind: pick(dto.kind, current.kind),
      testId: pick(dto.testId, current.testId),
      passThreshold: pick(dto.passThreshold, current.passThreshold),
      failThreshold: pick(dto.failThreshold, current.failThreshold),
    };
    const errors = [...ruleShapeErrors(shape), ...(await this.testErrors(accountId, dto.testId))];
    const patch: TriggerRulePatch = {
      requiredTag: dto.requiredTag,
      postingId: dto.postingId,
      kind: dto.kind,
      testId: dto.testId,
      passThreshold: dto.passThreshold,
      failThreshold: dto.failThreshold,
      timeLimitMinutes: dto.timeLimitMinutes,
      enabled: dto.enabled,
    };
    if (dto.stageId !== undefined || dto.stageName !== undefined) {
      const resolution = resolveStage(await this.stages.list(accountId), dto);
      if ('error' in resolution) errors.unshift(resolution.error);
      else Object.assign(patch, { stageId: resolution.stage.id, stageName: resolution.stage.text });
    }
    if (errors.length) throw new RequestValidationError(errors);

    const rule = await this.rules.update(accountId, ruleId, patch);
    if (!rule) throw ruleNotFound(ruleId);
    await this.record(actor, accountId, 'trigger-rule.update', ruleId, { ...dto, ...(patch.stageId ? { stageId: patch.stageId } : {}) });
    return TriggerRuleDto.from(rule);
  }

  /** @throws RuleInUseError (409) when assessments point at it: disable it instead */
  async delete(actor: AdminActor, accountId: string, ruleId: string): Promise<void> {
    await this.lookup.require(accountId);
    if (!(await this.rules.delete(accountId, ruleId))) throw ruleNotFound(ruleId);
    await this.record(actor, accountId, 'trigger-rule.delete', ruleId, {});
  }

  private async testErrors(accountId: string, testId: string | null | undefined): Promise<FieldError[]> {
    if (!testId || (await this.tests.findById(accountId, testId))) return [];
    return [{ field: 'testId', messages: ["testId is not a test of this account's catalog"] }];
  }

  /** Announced first: the workers drop the account's rules they keep in memory (AccountConfigCache). */
  private async record(
    actor: AdminActor,
    accountId: string,
    action: string,
    ruleId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.changes.announce(accountId);
    await this.audit.record(actor, { action, accountId, entityType: 'trigger_rule', entityId: ruleId, details });
  }
}
