import { ApiProperty } from '@nestjs/swagger';

export const WEBHOOK_EVENT_STATUSES = ['ok', 'missing', 'not-registered-here', 'wrong-url', 'origins-limited', 'duplicate'] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

export const WEBHOOK_SYNC_ACTIONS = ['created', 'updated', 'unchanged'] as const;
export type WebhookSyncAction = (typeof WEBHOOK_SYNC_ACTIONS)[number];

export class WebhookEventCheckDto {
  @ApiProperty({ example: 'candidateStageChange' })
  event: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_STATUSES })
  status: WebhookEventStatus;
  @ApiProperty({ type: String, nullable: true, description: "Lever's id of the webhook found for this event" })
  webhookId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Where that webhook points' })
  url: string | null;
  @ApiProperty({ type: [String], nullable: true, description: 'Its origin conditions; null: every origin' })
  origins: string[] | null;
  @ApiProperty({ type: String, nullable: true, description: 'What is wrong, in plain words' })
  problem: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'What to do about it' })
  fix: string | null;
}

export class WebhooksCheckDto {
  @ApiProperty({ description: 'True when every event has exactly one webhook of ours, at the right URL, for every origin' })
  ok: boolean;
  @ApiProperty({ description: 'False when the Lever connection may not read or write webhooks (see problem)' })
  canManage: boolean;
  @ApiProperty({ description: "The account's webhook URL (PUBLIC_BASE_URL/webhooks/lever/<webhookKey>)" })
  webhookUrl: string;
  @ApiProperty({ type: String, nullable: true })
  problem: string | null;
  @ApiProperty({ description: 'What Lever needs besides the webhooks themselves' })
  reminder: string;
  @ApiProperty({ type: [WebhookEventCheckDto] })
  events: WebhookEventCheckDto[];
}

export class WebhookSyncEventDto {
  @ApiProperty({ example: 'candidateStageChange' })
  event: string;
  @ApiProperty({ enum: WEBHOOK_SYNC_ACTIONS })
  action: WebhookSyncAction;
  @ApiProperty()
  webhookId: string;
}

export class WebhooksSyncDto {
  @ApiProperty()
  webhookUrl: string;
  @ApiProperty({ type: [WebhookSyncEventDto] })
  events: WebhookSyncEventDto[];
  @ApiProperty({ description: 'Webhooks of this account removed as extra or of unknown token' })
  removed: number;
  @ApiProperty()
  reminder: string;
}
