import { ASSESSMENT_STATUSES, AssessmentStatus, RULE_KINDS, RuleKind } from '@lever-assess/domain';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Account } from './account.entity';
import { numericToNumber, sqlIn } from './sql-check.util';
import { TestDefinition } from './test-definition.entity';
import { TriggerRule } from './trigger-rule.entity';

/**
 * The platform request body as stored: the shape of platform-client's CreateInvitationRequest
 * (persistence does not import that lib; the dispatcher passes one for the other, so the compiler
 * keeps them alike).
 */
export interface InvitationRequestBody {
  testId: string | null;
  kind: RuleKind;
  timeLimitMinutes: number;
  candidate: { name: string; email: string };
  reference: string;
  accountId: string;
}

/** Name of the partial unique index that turns duplicate triggers into one invitation. */
export const UQ_ASSESSMENT_ACTIVE = 'uq_assessment_active';

/**
 * One invitation sent (or attempted) for a candidate's opportunity by a rule. At most one per
 * (account, opportunity, rule) may be active (sent/completed): the partial unique index below.
 * 'error', 'scored', 'expired' and 'canceled' rows do not occupy the slot, so a later trigger
 * can send again.
 */
@Entity('assessments')
@Check('ck_assessments_status', sqlIn('status', ASSESSMENT_STATUSES))
@Check('ck_assessments_kind', sqlIn('kind', RULE_KINDS))
@Index(UQ_ASSESSMENT_ACTIVE, ['accountId', 'opportunityId', 'ruleId'], {
  unique: true,
  where: `"status" IN ('sent', 'completed')`,
})
@Index('ix_assessments_account_opportunity', ['accountId', 'opportunityId'])
@Index('ix_assessments_account_created', ['accountId', 'createdAt'])
export class Assessment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column({ type: 'text' })
  opportunityId: string;

  @Column({ type: 'text' })
  candidateId: string;

  /** Lever contact: links are stored on it, so they show on all the person's opportunities. */
  @Column({ type: 'text', nullable: true })
  contactId: string | null;

  // NO ACTION: a rule with assessments cannot be deleted alone (disable it instead); deleting
  // the whole account still cascades.
  @Index('ix_assessments_rule_id')
  @Column({ type: 'uuid' })
  ruleId: string;

  @ManyToOne(() => TriggerRule, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'rule_id' })
  rule?: TriggerRule;

  /** Null for a live pad without a question, or when no test could be resolved (status error). */
  @Index('ix_assessments_test_id')
  @Column({ type: 'uuid', nullable: true })
  testId: string | null;

  @ManyToOne(() => TestDefinition, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'test_id' })
  test?: TestDefinition | null;

  @Column({ type: 'text' })
  kind: RuleKind;

  @Column({ type: 'text', default: AssessmentStatus.Sent })
  status: AssessmentStatus;

  @Index('ix_assessments_platform_invitation_id')
  @Column({ type: 'text', nullable: true })
  platformInvitationId: string | null;

  @Column({ type: 'text', nullable: true })
  candidateUrl: string | null;

  @Column({ type: 'text', nullable: true })
  interviewerUrl: string | null;

  /**
   * The exact body of `POST /v1/invitations` (platform-client's CreateInvitationRequest), stored
   * before it is first sent and sent again verbatim on every retry, replay or resend: the platform
   * answers the same Idempotency-Key with another body by a 422. `json`, not `jsonb`, so the keys
   * keep their order. Set while the invitation's existence is in doubt; cleared once its id is
   * recorded or the platform refused it. Holds the candidate's name and email (personal data).
   */
  @Column({ type: 'json', nullable: true })
  invitationRequest: InvitationRequestBody | null;

  @Column({ type: 'text', nullable: true })
  reportUrl: string | null;

  @Column({ type: 'numeric', precision: 6, scale: 2, nullable: true, transformer: numericToNumber })
  score: number | null;

  /** Stable code of the failure (e.g. CANDIDATE_NO_EMAIL) when status is 'error'. */
  @Column({ type: 'text', nullable: true })
  errorCode: string | null;

  /** What went wrong and what to do, as shown to users. Never contains secrets or emails. */
  @Column({ type: 'text', nullable: true })
  errorText: string | null;

  /** Lever webhook delivery token that caused this assessment (null for manual resends). */
  @Column({ type: 'text', nullable: true })
  sourceDeliveryToken: string | null;

  /** When Lever says the stage change happened. */
  @Column({ type: 'timestamptz' })
  triggeredAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  scoredAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
