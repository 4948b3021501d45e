import { DEFAULT_TIME_LIMIT_MINUTES, RULE_KINDS, type RuleKind } from '@lever-assess/domain';
import type { TriggerRule } from '@lever-assess/persistence';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { OptionalNotNull } from '../../shared/http/optional-not-null.decorator';

/** The platform accepts 1..10080 minutes (one week). */
export const MAX_TIME_LIMIT_MINUTES = 10_080;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTriggerRuleDto {
  @ApiPropertyOptional({ description: 'Lever stage id; give this or stageName' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  stageId?: string;

  @ApiPropertyOptional({
    example: 'Coding Test',
    description: 'Lever stage name (case-insensitive), resolved to its id; give this or stageId',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  stageName?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The candidate must carry this Lever tag (Flow B); tagged rules win over untagged ones',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  requiredTag?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 200,
    example: '6a1e4b79-75a3-454f-9417-ea79612b9585',
    description:
      'Lever posting (job) id: the rule fires only for candidates who applied to it. At one stage the most specific ' +
      'matching rules fire: posting + tag > posting > tag > neither',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  postingId?: string | null;

  @ApiProperty({ enum: RULE_KINDS })
  @IsIn(RULE_KINDS)
  kind: RuleKind;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "A test of this account's catalog; required for take_home",
  })
  @IsOptional()
  @IsUUID()
  testId?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 100, description: 'score >= pass: Pass' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  passThreshold?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 100,
    description: 'score <= fail: Fail; must be below passThreshold',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  failThreshold?: number | null;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TIME_LIMIT_MINUTES, default: DEFAULT_TIME_LIMIT_MINUTES })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_TIME_LIMIT_MINUTES)
  timeLimitMinutes?: number;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

/** Every field optional; null clears requiredTag, postingId, testId and the thresholds. */
export class UpdateTriggerRuleDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  stageId?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  stageName?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  requiredTag?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, description: 'Lever posting id; null: any posting' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  postingId?: string | null;

  @ApiPropertyOptional({ enum: RULE_KINDS })
  @OptionalNotNull()
  @IsIn(RULE_KINDS)
  kind?: RuleKind;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  testId?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  passThreshold?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  failThreshold?: number | null;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TIME_LIMIT_MINUTES })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_TIME_LIMIT_MINUTES)
  timeLimitMinutes?: number;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class TriggerRuleDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  stageId: string;
  @ApiProperty({ type: String, nullable: true, description: 'Stage name when the rule was saved (display only)' })
  stageName: string | null;
  @ApiProperty({ type: String, nullable: true })
  requiredTag: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Lever posting id; null: any posting' })
  postingId: string | null;
  @ApiProperty({ enum: RULE_KINDS })
  kind: RuleKind;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  testId: string | null;
  @ApiProperty({ type: Number, nullable: true })
  passThreshold: number | null;
  @ApiProperty({ type: Number, nullable: true })
  failThreshold: number | null;
  @ApiProperty()
  timeLimitMinutes: number;
  @ApiProperty()
  enabled: boolean;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  static from(r: TriggerRule): TriggerRuleDto {
    return {
      id: r.id,
      stageId: r.stageId,
      stageName: r.stageName,
      requiredTag: r.requiredTag,
      postingId: r.postingId,
      kind: r.kind,
      testId: r.testId,
      passThreshold: r.passThreshold,
      failThreshold: r.failThreshold,
      timeLimitMinutes: r.timeLimitMinutes,
      enabled: r.enabled,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}

export class TriggerRuleListDto {
  @ApiProperty({ type: [TriggerRuleDto] })
  items: TriggerRuleDto[];
}
