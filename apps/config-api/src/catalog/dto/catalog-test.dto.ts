import { RULE_KINDS, type RuleKind } from '@lever-assess/domain';
import type { TestDefinition } from '@lever-assess/persistence';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Length } from 'class-validator';
import { OptionalNotNull } from '../../shared/http/optional-not-null.decorator';

// The name is also the override tag recruiters type in Lever: compare it trimmed.
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateCatalogTestDto {
  @ApiProperty({
    example: 'Python Basics',
    description: "Unique per account ignoring case; a candidate tag equal to it overrides the rule's test",
  })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'tst_python_basics' })
  @IsString()
  @Length(1, 200)
  platformTestId: string;

  @ApiProperty({ enum: RULE_KINDS })
  @IsIn(RULE_KINDS)
  kind: RuleKind;
}

export class UpdateCatalogTestDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  platformTestId?: string;

  @ApiPropertyOptional({ enum: RULE_KINDS })
  @OptionalNotNull()
  @IsIn(RULE_KINDS)
  kind?: RuleKind;
}

export class CatalogTestDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  platformTestId: string;
  @ApiProperty({ enum: RULE_KINDS })
  kind: RuleKind;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  static from(t: TestDefinition): CatalogTestDto {
    return {
      id: t.id,
      name: t.name,
      platformTestId: t.platformTestId,
      kind: t.kind,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  }
}

export class CatalogTestListDto {
  @ApiProperty({ type: [CatalogTestDto] })
  items: CatalogTestDto[];
}

export class CatalogImportDto {
  @ApiProperty({ description: 'Platform tests added to the catalog' })
  created: number;
  @ApiProperty({ description: 'Catalog tests whose platform id or kind changed' })
  updated: number;
  @ApiProperty()
  unchanged: number;
  @ApiProperty({ type: [CatalogTestDto], description: 'The whole catalog after the import' })
  items: CatalogTestDto[];
}
