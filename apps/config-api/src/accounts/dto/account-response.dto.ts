import { ACCOUNT_STATUSES, KEY_HEALTH_STATUSES, type AccountStatus, type KeyHealthStatus } from '@lever-assess/domain';
import type { Account } from '@lever-assess/persistence';
import { ApiProperty } from '@nestjs/swagger';

export class AccountLeverDto {
  @ApiProperty({ type: String, nullable: true })
  performAsUserId: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The account's Lever API base URL; null: the deployment's LEVER_API_URL" })
  apiUrl: string | null;

  @ApiProperty({ enum: ['api_key', 'oauth'], description: 'How the account reaches Lever: its API key, or OAuth tokens' })
  authKind: 'api_key' | 'oauth';

  @ApiProperty({ type: String, nullable: true, description: 'OAuth: when the stored access token expires (it is refreshed before)' })
  oauthExpiresAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: "When this service last registered the account's webhooks through Lever's API; null: never (set up by hand)",
  })
  webhooksSyncedAt: string | null;
}

/** What the last check of the account's Lever key found (scheduled, and whenever a job meets a 401 or 403). */
export class AccountHealthDto {
  @ApiProperty({ enum: KEY_HEALTH_STATUSES })
  status: KeyHealthStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  checkedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'What is wrong and what to do, in plain words' })
  problem: string | null;
}

/** An account as the API shows it: never a secret, never the sealed values. */
export class AccountDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  tagPrefix: string;
  @ApiProperty({ enum: ACCOUNT_STATUSES })
  status: AccountStatus;
  @ApiProperty({ type: String, nullable: true, description: 'Why the account is disconnected or disabled, e.g. LEVER_KEY_REVOKED' })
  statusReason: string | null;
  @ApiProperty()
  platformAccountId: string;
  @ApiProperty({ type: AccountHealthDto })
  health: AccountHealthDto;
  @ApiProperty({ description: "Result notes notify the candidate's followers in Lever" })
  notifyFollowers: boolean;
  @ApiProperty({ type: AccountLeverDto })
  lever: AccountLeverDto;
  @ApiProperty({
    description:
      "Where Lever sends the account's webhooks: registered through the API by POST /v1/accounts/:id/lever/webhooks/sync, or pasted into Lever: Settings > Integrations and API > Webhooks",
  })
  webhookUrl: string;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  static from(account: Account, publicBaseUrl: string): AccountDto {
    return {
      id: account.id,
      name: account.name,
      tagPrefix: account.tagPrefix,
      status: account.status,
      statusReason: account.statusReason,
      platformAccountId: account.platformAccountId,
      health: {
        status: account.healthStatus,
        checkedAt: account.healthCheckedAt?.toISOString() ?? null,
        problem: account.healthProblem,
      },
      notifyFollowers: account.notifyFollowers,
      lever: {
        performAsUserId: account.performAsUserId,
        apiUrl: account.leverApiUrl,
        authKind: account.leverAuthKind,
        oauthExpiresAt: account.leverOauthExpiresAt?.toISOString() ?? null,
        webhooksSyncedAt: account.leverWebhooks?.syncedAt ?? null,
      },
      webhookUrl: webhookUrl(publicBaseUrl, account.webhookKey),
      createdAt: account.createdAt.toISOString(),
      updatedAt: account.updatedAt.toISOString(),
    };
  }
}

export function webhookUrl(publicBaseUrl: string, webhookKey: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/lever/${encodeURIComponent(webhookKey)}`;
}

export class AccountPageDto {
  @ApiProperty({ type: [AccountDto] })
  items: AccountDto[];
  @ApiProperty()
  total: number;
  @ApiProperty()
  limit: number;
  @ApiProperty()
  offset: number;
}
