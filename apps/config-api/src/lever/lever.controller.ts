import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import { CurrentActor, type AdminActor } from '../shared/auth/admin-actor';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { ConnectionTestDto } from './dto/connection-test.dto';
import { StageListDto } from './dto/stage.dto';
import { LeverConnectionService } from './lever-connection.service';
import { LeverStagesService } from './lever-stages.service';
import { LeverWebhooksService } from './lever-webhooks.service';
import { WebhooksCheckDto, WebhooksSyncDto } from './dto/webhooks.dto';

@ApiTags('lever')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ErrorResponseDto })
@Controller('v1/accounts/:id/lever')
export class LeverController {
  constructor(
    private readonly connection: LeverConnectionService,
    private readonly stages: LeverStagesService,
    private readonly lookup: AccountLookup,
    private readonly webhooks: LeverWebhooksService,
  ) {}

  @Post('test-connection')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Call Lever with the stored key; a rejected key marks the account disconnected, a passing one active' })
  @ApiOkResponse({ type: ConnectionTestDto })
  test(@CurrentActor() actor: AdminActor, @Param('id', ParseUUIDPipe) id: string): Promise<ConnectionTestDto> {
    return this.connection.test(actor, id);
  }

  @Post('webhooks/sync')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      "Create or repair the account's Lever webhooks (one per event, at its webhook URL, every origin) and store their signature tokens",
  })
  @ApiOkResponse({ type: WebhooksSyncDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'LEVER_WEBHOOKS_PERMISSION_MISSING, LEVER_NOT_CONNECTED or LEVER_WEBHOOKS_SYNC_RUNNING',
  })
  syncWebhooks(@CurrentActor() actor: AdminActor, @Param('id', ParseUUIDPipe) id: string): Promise<WebhooksSyncDto> {
    return this.webhooks.sync(actor, id);
  }

  @Get('webhooks')
  @ApiOperation({
    summary: 'What Lever has against what it should have: missing, wrong URL, origin conditions, duplicates; each with the fix',
  })
  @ApiOkResponse({ type: WebhooksCheckDto })
  checkWebhooks(@Param('id', ParseUUIDPipe) id: string): Promise<WebhooksCheckDto> {
    return this.webhooks.check(id);
  }

  @Get('stages')
  @ApiOperation({ summary: "Lever's stages (all pages), cached for a minute" })
  @ApiOkResponse({ type: StageListDto })
  async list(@Param('id', ParseUUIDPipe) id: string): Promise<StageListDto> {
    await this.lookup.require(id);
    return { items: await this.stages.list(id) };
  }
}
