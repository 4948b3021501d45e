import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import {
  createApiWebhook,
  deleteApiWebhook,
  listApiWebhooks,
  renderApiWebhook,
  renderCreatedApiWebhook,
  updateApiWebhooks,
} from './api-webhooks';
import { LeverApiGuard, LeverCaller, RequiresPermission, type LeverCallerContext } from './lever-api.guard';

/**
 * Lever's webhooks API (lever-api.md 4.9). These are the company's API webhooks only: the
 * settings page's webhook (`Company.webhook`, set through `/_sandbox`) is not listed here, and
 * these are not shown there (sandbox decision; Lever does not say). Both receive every event.
 */
@Controller('v1/webhooks')
@UseGuards(LeverApiGuard)
export class WebhooksController {
  /** Never shows signature tokens (Lever's GET does not return them). One page: `hasNext: false`. */
  @Get()
  @RequiresPermission('webhooks:read')
  list(@LeverCaller() { company }: LeverCallerContext) {
    return listApiWebhooks(company);
  }

  /** 201, double-wrapped like Lever's documented example; the only answer with `configuration.signatureToken`. */
  @Post()
  @HttpCode(201)
  @RequiresPermission('webhooks:write')
  create(@LeverCaller() { company }: LeverCallerContext, @Body() body: unknown) {
    return { data: { data: renderCreatedApiWebhook(createApiWebhook(company, body)) } };
  }

  @Put()
  @RequiresPermission('webhooks:write')
  update(@LeverCaller() { company }: LeverCallerContext, @Body() body: unknown) {
    return { data: updateApiWebhooks(company, body).map(renderApiWebhook) };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequiresPermission('webhooks:write')
  remove(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string): void {
    deleteApiWebhook(company, id);
  }
}
