import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export class SignInWithTokenDto {
  @ApiProperty({ description: 'ADMIN_TOKEN, a vendor admin token or an account token', writeOnly: true })
  @IsString()
  @Length(1, 500)
  token: string;
}

export class SignInWithLinkDto {
  @ApiProperty({ description: 'The code of a one-time sign-in link (after `#code=` in its URL)', writeOnly: true })
  @IsString()
  @Length(1, 200)
  code: string;
}

export class SessionActorDto {
  @ApiProperty({ enum: ['bootstrap', 'admin-token', 'sign-in-link'] })
  kind: string;
  @ApiProperty({ description: 'The token or link name' })
  name: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Set: this sign-in reaches that account only' })
  accountId: string | null;
}

export class SessionDto {
  @ApiProperty({ type: SessionActorDto })
  actor: SessionActorDto;
  @ApiProperty({ enum: ['session', 'bearer'] })
  via: 'session' | 'bearer';
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Send as X-CSRF-Token on POST/PUT/PATCH/DELETE made with the session cookie; keep it in memory only',
  })
  csrfToken: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;
  @ApiProperty({ description: 'Whether this server can connect accounts with OAuth (LEVER_OAUTH_* configured)' })
  leverOAuth: boolean;
}

export class CreateSignInLinkDto {
  @ApiPropertyOptional({ description: 'Shown in the console and the audit log', example: 'demo admin' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The account the session will be limited to; left out: a vendor admin session' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1440, default: 15 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  expiresInMinutes?: number;
}

export class SignInLinkDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'Open under the console origin, e.g. http://127.0.0.1:3001 + path; works once' })
  path: string;
  @ApiProperty({ description: 'The one-time code (also in `path`)' })
  code: string;
  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt: string;
}
