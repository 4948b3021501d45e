import { RULE_KINDS, type RuleKind } from '@lever-assess/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';

/** A rule not saved yet (the console's "preview before saving"): it joins the stage's rules. */
export class PreviewDraftRuleDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The saved rule this draft edits (it replaces that rule in the preview)' })
  @IsOptional()
  @IsUUID()
  ruleId?: string;

  @ApiProperty({ enum: RULE_KINDS })
  @IsIn(RULE_KINDS)
  kind: RuleKind;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  testId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  requiredTag?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  postingId?: string | null;
}

export class PreviewRequestDto {
  @ApiProperty({ description: 'Lever opportunity (candidacy) id' })
  @IsString()
  @Length(1, 200)
  opportunityId: string;

  @ApiProperty({ description: 'Lever stage id the candidate would be moved to' })
  @IsString()
  @Length(1, 200)
  stageId: string;

  @ApiPropertyOptional({ type: PreviewDraftRuleDto, description: 'Preview this unsaved rule at the stage too (nothing is saved)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PreviewDraftRuleDto)
  draft?: PreviewDraftRuleDto;
}

/**
 * Every "why not" of a preview. Stable: clients switch on them. The candidate and assessment
 * codes are the ones the real flow records (checkCandidate, AssessmentProblemCode).
 */
export const PreviewReasonCode = {
  AccountDisabled: 'ACCOUNT_DISABLED',
  AccountDisconnected: 'ACCOUNT_DISCONNECTED',
  AccountKeyUnreadable: 'ACCOUNT_KEY_UNREADABLE',
  StageUnknown: 'STAGE_UNKNOWN',
  NoTriggerRule: 'NO_TRIGGER_RULE',
  RulesNeedTags: 'RULES_NEED_TAGS',
  RequiredTagMissing: 'REQUIRED_TAG_MISSING',
  TaggedRuleWins: 'TAGGED_RULE_WINS',
  PostingMismatch: 'POSTING_MISMATCH',
  PostingRuleWins: 'POSTING_RULE_WINS',
  CandidateArchived: 'CANDIDATE_ARCHIVED',
  CandidateAnonymized: 'CANDIDATE_ANONYMIZED',
  CandidateNoEmail: 'CANDIDATE_NO_EMAIL',
  NoTestResolvable: 'NO_TEST_RESOLVABLE',
  AssessmentAlreadyActive: 'ASSESSMENT_ALREADY_ACTIVE',
} as const;
export type PreviewReasonCode = (typeof PreviewReasonCode)[keyof typeof PreviewReasonCode];
const REASON_CODES = Object.values(PreviewReasonCode);

export const TEST_CHOSEN_BY = ['rule_default', 'override_tag', 'none'] as const;
export type TestChosenBy = (typeof TEST_CHOSEN_BY)[number];

/** `send`: an invitation; `record_error`: an error assessment (Error tag and note in Lever), nothing sent; `nothing`: no trace. */
export const RULE_OUTCOMES = ['send', 'record_error', 'nothing'] as const;
export type RuleOutcome = (typeof RULE_OUTCOMES)[number];

export const PREVIEW_LINKS = ['candidate', 'interviewer'] as const;
export type PreviewLinkName = (typeof PREVIEW_LINKS)[number];

export class PreviewReasonDto {
  @ApiProperty({ enum: REASON_CODES })
  code: PreviewReasonCode;
  @ApiProperty({ description: 'Why, in plain words, and what to do about it' })
  message: string;
}

export class PreviewTestDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'Python Basics' })
  name: string;
}

export class PreviewLinkDto {
  @ApiProperty({ enum: PREVIEW_LINKS })
  link: PreviewLinkName;
  @ApiProperty({ type: String, nullable: true, description: 'Null: the platform creates the link with the invitation' })
  url: string | null;
  @ApiProperty({ example: "Candidate's link (created by the platform with the invitation)" })
  description: string;
}

export class PreviewRuleDto {
  @ApiProperty({ format: 'uuid' })
  ruleId: string;
  @ApiPropertyOptional({ description: 'True for the unsaved draft rule of the request' })
  draft?: boolean;
  @ApiProperty({ enum: RULE_KINDS })
  kind: RuleKind;
  @ApiProperty({ type: String, nullable: true })
  requiredTag: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Lever posting id the rule is limited to' })
  postingId: string | null;
  @ApiProperty()
  stageId: string;
  @ApiProperty({
    description: 'Selected at this stage for this candidate (the most specific matching rules: posting + tag > posting > tag > neither)',
  })
  fires: boolean;
  @ApiProperty({ type: PreviewTestDto, nullable: true, description: 'The test it would send (also shown when the rule does not fire)' })
  test: PreviewTestDto | null;
  @ApiProperty({ enum: TEST_CHOSEN_BY })
  testChosenBy: TestChosenBy;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The candidate's tag (as in Lever) that chose the test instead of the rule's own",
  })
  overrideTag: string | null;
  @ApiProperty({ enum: RULE_OUTCOMES })
  outcome: RuleOutcome;
  @ApiProperty()
  wouldSend: boolean;
  @ApiProperty({ type: PreviewReasonDto, nullable: true, description: 'Why this rule would send nothing' })
  reason: PreviewReasonDto | null;
  @ApiProperty({
    type: [String],
    description: 'Status tags this assessment would add (only the assessment that owns the status tag writes it)',
  })
  tagsToAdd: string[];
  @ApiProperty({ type: [String] })
  tagsToRemove: string[];
  @ApiProperty({ type: [PreviewLinkDto], description: 'Links put on the candidate in Lever (pads only)' })
  linksToAdd: PreviewLinkDto[];
}

export class PreviewOpportunityDto {
  @ApiProperty()
  id: string;
  @ApiProperty({ type: String, nullable: true, description: 'Where the candidate is now (the preview assumes the move)' })
  stageId: string | null;
  @ApiProperty({ type: String, nullable: true })
  stageName: string | null;
  @ApiProperty({ type: [String] })
  tags: string[];
  @ApiProperty({ type: [String], description: "Postings (jobs) of the candidate's applications" })
  postingIds: string[];
  @ApiProperty()
  archived: boolean;
  @ApiProperty()
  isAnonymized: boolean;
  @ApiProperty({ description: 'Whether Lever has an email address to invite (the address is not shown)' })
  hasEmail: boolean;
}

export class PreviewDto {
  @ApiProperty({ description: 'True when at least one invitation would be sent' })
  wouldSend: boolean;
  @ApiProperty({ description: 'The stage the preview moves the candidate to' })
  stageId: string;
  @ApiProperty({ type: PreviewOpportunityDto, nullable: true, description: 'Null when Lever could not be read (see reasons)' })
  opportunity: PreviewOpportunityDto | null;
  @ApiProperty({ type: [PreviewRuleDto], description: "The account's enabled rules at the stage, in rule order" })
  rules: PreviewRuleDto[];
  @ApiProperty({ type: [String], description: 'Every tag Lever would get (added before the removals)' })
  tagsToAdd: string[];
  @ApiProperty({ type: [String] })
  tagsToRemove: string[];
  @ApiProperty({ type: [PreviewReasonDto], description: 'Why nothing would be sent; empty when wouldSend' })
  reasons: PreviewReasonDto[];
}
