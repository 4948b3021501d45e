import { RULE_KINDS, RuleKind } from '@lever-assess/domain';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Account } from './account.entity';
import { sqlIn } from './sql-check.util';

/**
 * One entry of an account's test catalog. Its name doubles as the override tag, compared
 * case-insensitively: the unique index is on `lower(name)`, an expression TypeORM cannot model,
 * so it lives in the migration only (`synchronize: false` keeps `migration:generate` off it).
 */
@Entity('tests')
@Check('ck_tests_kind', sqlIn('kind', RULE_KINDS))
@Index('uq_tests_account_lower_name', { synchronize: false })
export class TestDefinition {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  platformTestId: string;

  @Column({ type: 'text' })
  kind: RuleKind;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
