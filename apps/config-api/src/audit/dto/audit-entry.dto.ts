import type { AuditLogEntry } from '@lever-assess/persistence';
import { ApiProperty } from '@nestjs/swagger';

export class AuditEntryDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: '`bootstrap` (ADMIN_TOKEN) or `admin-token:<id>`' }) actor: string;
  @ApiProperty({ example: 'trigger-rule.update' }) action: string;
  @ApiProperty() entityType: string;
  @ApiProperty() entityId: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What changed; never a secret' }) details: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;

  static from(e: AuditLogEntry): AuditEntryDto {
    return {
      id: e.id,
      actor: e.actor,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      details: e.details,
      createdAt: e.createdAt.toISOString(),
    };
  }
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items: AuditEntryDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
