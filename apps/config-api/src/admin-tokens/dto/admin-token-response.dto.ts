import type { AdminToken } from '@lever-assess/persistence';
import { ApiProperty } from '@nestjs/swagger';

/** An admin token as listed: never the secret (only its hash is stored). */
export class AdminTokenDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Set: an account token, limited to this account' })
  accountId: string | null;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt: string | null;

  static from(token: AdminToken): AdminTokenDto {
    return {
      id: token.id,
      name: token.name,
      accountId: token.accountId,
      createdAt: token.createdAt.toISOString(),
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      revokedAt: token.revokedAt?.toISOString() ?? null,
    };
  }
}

/** The answer to creation, the only time the secret is shown. */
export class CreatedAdminTokenDto extends AdminTokenDto {
  @ApiProperty({ description: 'Shown once; store it now. Use as `Authorization: Bearer <token>`.' })
  token: string;
}

export class AdminTokenListDto {
  @ApiProperty({ type: [AdminTokenDto] })
  items: AdminTokenDto[];
}
