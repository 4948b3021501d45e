import { DEFAULT_TIME_LIMIT_MINUTES, RULE_KINDS, RuleKind } from '@lever-assess/domain';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Account } from './account.entity';
import { sqlIn } from './sql-check.util';
import { TestDefinition } from './test-definition.entity';

/** Stage + optional required tag -> what to send (DESIGN.md: one model for Flow A and Flow B). */
@Entity('trigger_rules')
@Check('ck_trigger_rules_kind', sqlIn('kind', RULE_KINDS))
@Check('ck_trigger_rules_pass_threshold', '"pass_threshold" BETWEEN 0 AND 100')
@Check('ck_trigger_rules_fail_threshold', '"fail_threshold" BETWEEN 0 AND 100')
@Check('ck_trigger_rules_fail_below_pass', '"fail_threshold" < "pass_threshold"')
@Check('ck_trigger_rules_time_limit', '"time_limit_minutes" > 0')
@Index('ix_trigger_rules_account_stage', ['accountId', 'stageId'])
export class TriggerRule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  /** Lever stage id. */
  @Column({ type: 'text' })
  stageId: string;

  /** Stage name as Lever showed it when the rule was saved; display only. */
  @Column({ type: 'text', nullable: true })
  stageName: string | null;

  /** The candidate must carry this tag for the rule to apply (Flow B). */
  @Column({ type: 'text', nullable: true })
  requiredTag: string | null;

  /** Lever posting id: the rule applies only to candidates who applied to that job (beats a stage-only rule). */
  @Column({ type: 'text', nullable: true })
  postingId: string | null;

  @Column({ type: 'text' })
  kind: RuleKind;

  // NO ACTION (not RESTRICT): checked at the end of the statement, so deleting the account
  // cascades through rules and tests together; deleting only a used test is refused.
  @Index('ix_trigger_rules_test_id')
  @Column({ type: 'uuid', nullable: true })
  testId: string | null;

  @ManyToOne(() => TestDefinition, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'test_id' })
  test?: TestDefinition | null;

  /** Score >= pass threshold: Pass. */
  @Column({ type: 'int', nullable: true })
  passThreshold: number | null;

  /** Score <= fail threshold: Fail. */
  @Column({ type: 'int', nullable: true })
  failThreshold: number | null;

  @Column({ type: 'int', default: DEFAULT_TIME_LIMIT_MINUTES })
  timeLimitMinutes: number;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
