import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { LeverDataService } from '../lever-api/lever-data.service';
import { SandboxState } from '../store/sandbox-state.service';
import { WebhookSender } from '../webhooks/webhook-sender.service';
import { parseCandidates, parseCompanyInput, parseFault, parsePermissions, parseWebhook } from './control-input';

/**
 * Test and demo controls under /_sandbox. Not part of Lever and unauthenticated: the sandbox
 * is a local tool. Documented in docs/lever-sandbox.md.
 */
@Controller('_sandbox')
export class SandboxControlController {
  constructor(
    private readonly state: SandboxState,
    private readonly webhooks: WebhookSender,
    private readonly data: LeverDataService,
  ) {}

  /** Back to the seed: drops created companies, faults, logs, deliveries and rate buckets. */
  @Post('reset')
  @HttpCode(200)
  reset() {
    this.webhooks.reset();
    this.state.reset();
    return { ok: true };
  }

  @Post('companies')
  @HttpCode(201)
  createCompany(@Body() body: unknown) {
    return this.state.store.createCompany(parseCompanyInput(body));
  }

  @Get('companies/:id')
  company(@Param('id') id: string) {
    const company = this.state.store.company(id);
    return { ...this.state.store.describe(company), webhook: { url: company.webhook.url } };
  }

  @Post('companies/:id/candidates')
  @HttpCode(201)
  addCandidates(@Param('id') id: string, @Body() body: unknown) {
    return { opportunities: this.state.store.addCandidates(id, parseCandidates((body as { candidates?: unknown })?.candidates)) };
  }

  @Put('companies/:id/webhook')
  setWebhook(@Param('id') id: string, @Body() body: unknown) {
    this.state.store.company(id).webhook = parseWebhook(body);
    return { ok: true };
  }

  @Post('keys/:keyId/revoke')
  @HttpCode(200)
  revoke(@Param('keyId') keyId: string) {
    this.state.store.key(keyId).state = 'revoked';
    return { ok: true };
  }

  @Put('keys/:keyId/permissions')
  setPermissions(@Param('keyId') keyId: string, @Body() body: unknown) {
    this.state.store.key(keyId).permissions = new Set(parsePermissions((body as { permissions?: unknown })?.permissions));
    return { ok: true };
  }

  /** Queue a fault: the key's next `count` Lever responses get `status` and/or `delayMs`. */
  @Post('keys/:keyId/faults')
  @HttpCode(201)
  addFault(@Param('keyId') keyId: string, @Body() body: unknown) {
    this.state.store.key(keyId);
    this.state.faults.add(keyId, parseFault(body));
    return { pending: this.state.faults.pending(keyId) };
  }

  @Delete('keys/:keyId/faults')
  clearFaults(@Param('keyId') keyId: string) {
    this.state.faults.clear(keyId);
    return { ok: true };
  }

  @Get('requests')
  requests(@Query('keyId') keyId?: string, @Query('since') since?: string) {
    return { data: this.state.requests.list({ keyId, since: since ? Number(since) : undefined }) };
  }

  @Get('keys/:keyId/stats')
  stats(@Param('keyId') keyId: string) {
    return this.state.requests.stats(keyId);
  }

  /**
   * A recruiter moves the candidate in Lever's own UI: no API key, so none of the key's rate
   * budget is used (unlike `PUT /v1/opportunities/:id/stage`); the webhook is sent the same way.
   * Body: `{ stage }`, a stage id or name.
   */
  @Put('opportunities/:id/stage')
  moveCandidate(@Param('id') id: string, @Body() body: unknown) {
    const { company } = this.state.store.findOpportunity(id);
    const wanted = (body as { stage?: unknown } | null)?.stage;
    const stage = company.stages.find((s) => s.id === wanted || s.text === wanted);
    if (typeof wanted !== 'string' || !stage) throw new BadRequestException('stage must name a stage (id or name) of the company');
    this.data.changeStage(company, id, stage.id, {});
    return { ok: true, stage: { id: stage.id, text: stage.text } };
  }

  /** Everything Lever holds for one candidacy, including the history of writes and perform_as. */
  @Get('opportunities/:id')
  opportunity(@Param('id') id: string) {
    const { company, opportunity: o } = this.state.store.findOpportunity(id);
    const contact = company.contacts.get(o.contactId);
    const stage = company.stages.find((s) => s.id === o.stageId);
    return {
      id: o.id,
      companyId: company.id,
      contactId: o.contactId,
      name: contact?.name,
      emails: contact?.emails ?? [],
      tags: o.tags,
      links: contact?.links ?? [],
      stage: stage ? { id: stage.id, text: stage.text } : { id: o.stageId, text: null },
      archived: o.archivedAt !== null,
      notes: o.notes,
      history: o.history,
      stageChanges: o.stageChanges,
    };
  }

  @Get('webhook-deliveries')
  deliveries(@Query('companyId') companyId?: string) {
    return { data: this.webhooks.list(companyId) };
  }
}
