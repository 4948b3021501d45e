import { AccountUnavailableError, LeverAccountsService, type LeverAccount } from '@lever-assess/account-access';
import { SecretDecryptionError } from '@lever-assess/common';
import {
  AssessmentStatus,
  DEFAULT_TIME_LIMIT_MINUTES,
  RuleKind,
  checkCandidate,
  desiredLinks,
  desiredStatusSuffix,
  applicationPostingIds,
  isPostingRule,
  isTaggedRule,
  primaryEmail,
  ruleSpecificity,
  resolveTest,
  selectTriggerRules,
  statusTagOwner,
  statusTagPlan,
  type CandidateProblem,
} from '@lever-assess/domain';
import { LeverAuthError, LeverNotFoundError, type LeverOpportunity } from '@lever-assess/lever-client';
import { AssessmentsRepository, TestsRepository, TriggerRule, TriggerRulesRepository } from '@lever-assess/persistence';
import { Injectable } from '@nestjs/common';
import { LeverStagesService } from '../lever/lever-stages.service';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import { AccountNotFoundError, NotFoundApiError } from '../shared/errors/api.errors';
import {
  PreviewReasonCode,
  type PreviewDraftRuleDto,
  type PreviewDto,
  type PreviewLinkDto,
  type PreviewOpportunityDto,
  type PreviewReasonDto,
  type PreviewRequestDto,
  type PreviewRuleDto,
  type RuleOutcome,
} from './dto/preview.dto';

// desiredLinks keeps only web URLs it is given: these stand in for the links the platform creates
// with the invitation, so the domain decides which links a rule puts in Lever. Never returned.
const CANDIDATE_LINK = 'https://platform.invalid/preview/candidate';
const INTERVIEWER_LINK = 'https://platform.invalid/preview/interviewer';
const PENDING_LINKS: Record<string, PreviewLinkDto> = {
  [CANDIDATE_LINK]: { link: 'candidate', url: null, description: "Candidate's pad link (created by the platform with the invitation)" },
  [INTERVIEWER_LINK]: {
    link: 'interviewer',
    url: null,
    description: "Interviewer's pad link (created by the platform with the invitation)",
  },
};

const reason = (code: PreviewReasonCode, message: string): PreviewReasonDto => ({ code, message });

/**
 * Dry run of a stage change (DESIGN.md "preview"): what the dispatcher and result-sync would do
 * if the candidate were moved to `stageId` now, decided by the same domain functions, from one
 * Lever read. It sends nothing, writes nothing to Lever or to our database, and is not audited.
 */
@Injectable()
export class PreviewService {
  constructor(
    private readonly lookup: AccountLookup,
    private readonly leverAccounts: LeverAccountsService,
    private readonly stages: LeverStagesService,
    private readonly rules: TriggerRulesRepository,
    private readonly tests: TestsRepository,
    private readonly assessments: AssessmentsRepository,
  ) {}

  async preview(accountId: string, { opportunityId, stageId, draft }: PreviewRequestDto): Promise<PreviewDto> {
    await this.lookup.require(accountId);
    const nothing = (opportunity: PreviewOpportunityDto | null, why: PreviewReasonDto): PreviewDto => ({
      wouldSend: false,
      stageId,
      opportunity,
      rules: [],
      tagsToAdd: [],
      tagsToRemove: [],
      reasons: [why],
    });

    let access: LeverAccount;
    try {
      access = await this.leverAccounts.open(accountId);
    } catch (err) {
      const why = accountReason(err);
      if (why === 'missing') throw new AccountNotFoundError(accountId);
      if (!why) throw err;
      return nothing(null, why);
    }

    const saved = await this.rules.listEnabledForStage(accountId, stageId);
    const draftRule = draft ? draftTriggerRule(accountId, stageId, draft) : null;
    // The draft takes the place of the rule it edits (or joins the stage's rules as a new one).
    const stageRules = draftRule ? [...saved.filter((r) => r.id !== draftRule.id), draftRule] : saved;
    let opportunity: LeverOpportunity;
    try {
      // The dispatcher's read, on the key's shared limiter; withLever marks the account on a 401.
      opportunity = await this.leverAccounts.withLever(access, ({ auth }, lever) => lever.getOpportunity(auth, opportunityId));
    } catch (err) {
      if (err instanceof LeverNotFoundError) {
        throw new NotFoundApiError('OPPORTUNITY_NOT_FOUND', `Lever has no opportunity ${opportunityId} for this account's key`);
      }
      if (err instanceof LeverAuthError) return nothing(null, disconnectedReason());
      throw err;
    }
    const seen = opportunityView(opportunity);

    if (stageRules.length === 0) {
      // Rules are checked against Lever's stages when saved: only a stage without rules needs the (cached) list.
      const known = (await this.stages.list(accountId)).some((s) => s.id === stageId);
      return nothing(
        seen,
        known
          ? reason(
              PreviewReasonCode.NoTriggerRule,
              'No enabled trigger rule is set for this stage, so moving the candidate here sends nothing.',
            )
          : reason(
              PreviewReasonCode.StageUnknown,
              `Lever has no stage ${stageId} for this account; pick a stage from GET /v1/accounts/:id/lever/stages.`,
            ),
      );
    }

    const postingIds = applicationPostingIds(opportunity.applications);
    const firing = new Set(selectTriggerRules(stageRules, opportunity.tags, postingIds).map((r) => r.id));
    const candidateProblem = checkCandidate(opportunity);
    const catalog = await this.tests.list(accountId);
    const rules: PreviewRuleDto[] = [];
    for (const rule of stageRules) {
      const resolved = resolveTest(rule, opportunity.tags, catalog);
      const { outcome, why } = firing.has(rule.id)
        ? await this.outcomeOf(accountId, opportunityId, rule, candidateProblem, resolved.test !== null)
        : { outcome: 'nothing' as const, why: notFiringReason(rule, stageRules, opportunity.tags, postingIds) };
      rules.push({
        ruleId: rule.id,
        ...(rule === draftRule ? { draft: true } : {}),
        kind: rule.kind,
        requiredTag: rule.requiredTag,
        postingId: rule.postingId,
        stageId: rule.stageId,
        fires: firing.has(rule.id),
        test: resolved.test ? { id: resolved.test.id, name: resolved.test.name } : null,
        testChosenBy: !resolved.test ? 'none' : resolved.overriddenBy ? 'override_tag' : 'rule_default',
        overrideTag: resolved.overriddenBy ?? null,
        outcome,
        wouldSend: outcome === 'send',
        reason: why,
        tagsToAdd: [],
        tagsToRemove: [],
        linksToAdd: outcome === 'send' ? pendingLinks(rule) : [],
      });
    }

    const plan = this.statusTagWrites(access.account.tagPrefix, opportunity.tags, stageRules, rules);
    const wouldSend = rules.some((r) => r.wouldSend);
    return {
      wouldSend,
      stageId,
      opportunity: seen,
      rules,
      tagsToAdd: plan.add,
      tagsToRemove: plan.remove,
      reasons: wouldSend ? [] : overallReasons(rules, stageRules),
    };
  }

  /** The dispatcher's order for a firing rule: skipped candidate, then the active slot, then the recorded problems. */
  private async outcomeOf(
    accountId: string,
    opportunityId: string,
    rule: TriggerRule,
    candidateProblem: CandidateProblem | null,
    hasTest: boolean,
  ): Promise<{ outcome: RuleOutcome; why: PreviewReasonDto | null }> {
    if (candidateProblem?.disposition === 'skip') {
      return candidateProblem.code === 'CANDIDATE_ARCHIVED'
        ? {
            outcome: 'nothing',
            why: reason(
              PreviewReasonCode.CandidateArchived,
              'The candidate is archived in Lever: archived candidates are never sent an assessment.',
            ),
          }
        : {
            outcome: 'nothing',
            why: reason(
              PreviewReasonCode.CandidateAnonymized,
              'The candidate was anonymized in Lever (their data was erased on request): nothing is ever sent to them.',
            ),
          };
    }
    const active = await this.assessments.findActive({ accountId, opportunityId, ruleId: rule.id });
    if (active) {
      return {
        outcome: 'nothing',
        why: reason(
          PreviewReasonCode.AssessmentAlreadyActive,
          `The candidate already has an assessment in progress for this rule (${active.id}, ${active.status}); a second one is not sent. Cancel it first to send a new one.`,
        ),
      };
    }
    if (candidateProblem) {
      return {
        outcome: 'record_error',
        why: reason(
          PreviewReasonCode.CandidateNoEmail,
          'The candidate has no email address in Lever, so nothing would be sent: an error would be recorded and Lever would show the Error tag and a note. Add an email address first.',
        ),
      };
    }
    if (rule.kind === RuleKind.TakeHome && !hasTest) {
      return {
        outcome: 'record_error',
        why: reason(
          PreviewReasonCode.NoTestResolvable,
          "No test can be chosen: the rule has no test of its own and none of the candidate's tags is the name of a take-home test in the catalog. An error would be recorded and Lever would show the Error tag. Pick a test for the rule or tag the candidate with a test's name.",
        ),
      };
    }
    return { outcome: 'send', why: null };
  }

  /**
   * One status tag per candidate: among the assessments this move would create, the one
   * statusTagOwner picks writes its tag, as result-sync does. Its rule carries the writes.
   */
  private statusTagWrites(prefix: string, currentTags: readonly string[], stageRules: readonly TriggerRule[], rules: PreviewRuleDto[]) {
    const now = Date.now();
    const created = rules
      .filter((r) => r.outcome !== 'nothing')
      .map((r, i) => ({
        id: r.ruleId,
        kind: r.kind,
        status: r.outcome === 'send' ? AssessmentStatus.Sent : AssessmentStatus.Error,
        // One move, rows inserted in rule order.
        triggeredAt: new Date(now),
        createdAt: new Date(now + i),
      }));
    const owner = statusTagOwner(created);
    if (!owner) return { add: [], remove: [] };
    const rule = stageRules.find((r) => r.id === owner.id) as TriggerRule;
    const suffix = desiredStatusSuffix({
      status: owner.status,
      kind: owner.kind,
      score: null,
      passThreshold: rule.passThreshold,
      failThreshold: rule.failThreshold,
    });
    const plan = statusTagPlan(prefix, currentTags, suffix);
    const entry = rules.find((r) => r.ruleId === owner.id) as PreviewRuleDto;
    entry.tagsToAdd = plan.add;
    entry.tagsToRemove = plan.remove;
    return plan;
  }
}

/** Why the account's key cannot be used; 'missing' for an unknown account; null for other errors. */
function accountReason(err: unknown): PreviewReasonDto | 'missing' | null {
  if (err instanceof SecretDecryptionError) {
    return reason(
      PreviewReasonCode.AccountKeyUnreadable,
      'The stored Lever API key cannot be decrypted with the configured ENCRYPTION_KEY: nothing can be sent. Save the key again with PATCH /v1/accounts/:id.',
    );
  }
  if (!(err instanceof AccountUnavailableError)) return null;
  if (err.status === 'missing') return 'missing';
  if (err.status === 'disabled') {
    return reason(
      PreviewReasonCode.AccountDisabled,
      'The account is disabled: nothing is sent for it. Re-enable it with PATCH { "status": "active" }.',
    );
  }
  return disconnectedReason();
}

const disconnectedReason = (): PreviewReasonDto =>
  reason(
    PreviewReasonCode.AccountDisconnected,
    "Lever rejected the account's API key (the account is disconnected): nothing is sent until a working key is saved. Test the connection or replace the key.",
  );

function opportunityView(o: LeverOpportunity): PreviewOpportunityDto {
  return {
    id: o.id,
    stageId: o.stageId,
    stageName: o.stageName,
    tags: o.tags,
    postingIds: applicationPostingIds(o.applications),
    archived: o.archived,
    isAnonymized: o.isAnonymized,
    hasEmail: primaryEmail(o.emails) !== null,
  };
}

function notFiringReason(
  rule: TriggerRule,
  stageRules: readonly TriggerRule[],
  tags: readonly string[],
  postingIds: readonly string[],
): PreviewReasonDto {
  if (isPostingRule(rule) && !postingIds.includes((rule.postingId as string).trim())) {
    return reason(
      PreviewReasonCode.PostingMismatch,
      `This rule is only for candidates who applied to the Lever posting ${rule.postingId}; the candidate applied to ${
        postingIds.length ? postingIds.join(', ') : 'no posting'
      }.`,
    );
  }
  if (isTaggedRule(rule) && !selectTriggerRules([rule], tags, postingIds).length) {
    return reason(
      PreviewReasonCode.RequiredTagMissing,
      `This rule is only for candidates tagged "${rule.requiredTag}" in Lever; the candidate is not.`,
    );
  }
  const winners = selectTriggerRules(stageRules, tags, postingIds);
  if (winners.some(isPostingRule)) {
    return reason(
      PreviewReasonCode.PostingRuleWins,
      `Another rule at this stage is for the candidate's posting${winners.some(isTaggedRule) ? ' and tag' : ''}; ` +
        'a more specific rule replaces this one (posting + tag > posting > tag > neither).',
    );
  }
  const names = winners.filter((r) => ruleSpecificity(r) > ruleSpecificity(rule)).map((r) => `"${r.requiredTag}"`);
  return reason(
    PreviewReasonCode.TaggedRuleWins,
    `The candidate carries the tag ${[...new Set(names)].join(', ')} of another rule at this stage; tagged rules replace the rules without a tag.`,
  );
}

/** Why nothing at all would be sent: no rule fires, or each firing rule's own reason. */
function overallReasons(rules: readonly PreviewRuleDto[], stageRules: readonly TriggerRule[]): PreviewReasonDto[] {
  if (!rules.some((r) => r.fires)) {
    if (stageRules.some(isPostingRule)) {
      const needs = [...new Set(stageRules.map((r) => (isPostingRule(r) ? `posting ${r.postingId}` : `tag "${r.requiredTag}"`)))];
      return [
        reason(
          PreviewReasonCode.RulesNeedTags,
          `Every rule at this stage is limited to a posting or a tag the candidate does not have (${needs.join(', ')}). Add a rule without a posting or tag to cover everyone else.`,
        ),
      ];
    }
    const tags = [...new Set(stageRules.map((r) => `"${r.requiredTag}"`))].join(', ');
    return [
      reason(
        PreviewReasonCode.RulesNeedTags,
        `Every rule at this stage needs a tag the candidate does not carry (${tags}). Add one of these tags in Lever, or add a rule without a required tag.`,
      ),
    ];
  }
  const seen = new Map<string, PreviewReasonDto>();
  for (const r of rules) if (r.fires && r.reason && !seen.has(r.reason.code)) seen.set(r.reason.code, r.reason);
  return [...seen.values()];
}

/** The links a rule would put in Lever once the platform answers (pads only; Flow A tests are emailed). */
function pendingLinks(rule: TriggerRule): PreviewLinkDto[] {
  // The platform gives an interviewer link for live interviews only (platform contract).
  const links = desiredLinks({
    reportUrl: null,
    candidateUrl: CANDIDATE_LINK,
    interviewerUrl: rule.kind === RuleKind.LiveInterview ? INTERVIEWER_LINK : null,
    kind: rule.kind,
    requiredTag: rule.requiredTag,
  });
  return links.map((url) => PENDING_LINKS[url]);
}

/**
 * An unsaved rule as the domain functions see one. A new draft gets the nil UUID, which no
 * assessment holds, so "already active" is judged as for a rule never used; an edited one keeps
 * its id, so that rule's active assessments count as they would after saving.
 */
function draftTriggerRule(accountId: string, stageId: string, draft: PreviewDraftRuleDto): TriggerRule {
  return Object.assign(new TriggerRule(), {
    id: draft.ruleId ?? '00000000-0000-0000-0000-000000000000',
    accountId,
    stageId,
    stageName: null,
    requiredTag: draft.requiredTag?.trim() || null,
    postingId: draft.postingId?.trim() || null,
    kind: draft.kind,
    testId: draft.testId ?? null,
    passThreshold: null,
    failThreshold: null,
    timeLimitMinutes: DEFAULT_TIME_LIMIT_MINUTES,
    enabled: true,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
}
