import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { LeverDataService } from '../lever-api/lever-data.service';
import { SandboxState } from '../store/sandbox-state.service';
import { WebhookSender } from '../webhooks/webhook-sender.service';
import { webhookConfig } from '../store/sandbox-store';
import {
  parseCandidates,
  parseChangeOptions,
  parseCompanyInput,
  parseFault,
  parsePermissions,
  parseSettings,
  parseWebhook,
  parseKey,
} from './control-input';

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
    const { url, events, signatureTokens } = company.webhook;
    // Token values stay out; which events have their own token is enough to debug signing.
    return {
      ...this.state.store.describe(company),
      webhook: { url, events, ownTokenEvents: Object.keys(signatureTokens) },
      apiWebhooks: [...company.apiWebhooks.values()].map(({ signatureToken: _token, ...w }) => w),
      settings: { tagCreation: company.tagCreation },
    };
  }

  /** Company settings of Lever's admin pages: `{ tagCreation: 'anyone' | 'super-admins' }`. */
  @Put('companies/:id/settings')
  setSettings(@Param('id') id: string, @Body() body: unknown) {
    const company = this.state.store.company(id);
    const settings = parseSettings(body);
    company.tagCreation = settings.tagCreation;
    return { ok: true, settings: { tagCreation: company.tagCreation } };
  }

  @Post('companies/:id/candidates')
  @HttpCode(201)
  addCandidates(@Param('id') id: string, @Body() body: unknown) {
    return { opportunities: this.state.store.addCandidates(id, parseCandidates((body as { candidates?: unknown })?.candidates)) };
  }

  @Put('companies/:id/webhook')
  setWebhook(@Param('id') id: string, @Body() body: unknown) {
    this.state.store.company(id).webhook = webhookConfig(parseWebhook(body));
    return { ok: true };
  }

  /** A new key for the company (`{ apiKey, id?, permissions? }`), as an admin creates one to replace a revoked key. */
  @Post('companies/:id/keys')
  @HttpCode(201)
  addKey(@Param('id') id: string, @Body() body: unknown) {
    const key = this.state.store.addKey(this.state.store.company(id), parseKey(body, 'body'));
    return { keyId: key.id, apiKey: key.apiKey };
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
   * Body: `{ stage, webhook?, at? }`, stage an id or name; `webhook: false` places the candidate
   * silently, `at` dates the move (e.g. entered the stage 4 days ago).
   */
  @Put('opportunities/:id/stage')
  moveCandidate(@Param('id') id: string, @Body() body: unknown) {
    const { company } = this.state.store.findOpportunity(id);
    const wanted = (body as { stage?: unknown } | null)?.stage;
    const stage = company.stages.find((s) => s.id === wanted || s.text === wanted);
    if (typeof wanted !== 'string' || !stage) throw new BadRequestException('stage must name a stage (id or name) of the company');
    this.data.changeStage(company, id, stage.id, {}, parseChangeOptions(body));
    return { ok: true, stage: { id: stage.id, text: stage.text } };
  }

  /** Archive (`reason`: id or text of an archive reason) or unarchive (`reason: null`) as in Lever's UI. Also `webhook?`, `at?`. */
  @Put('opportunities/:id/archived')
  archive(@Param('id') id: string, @Body() body: unknown) {
    const { company } = this.state.store.findOpportunity(id);
    const wanted = (body as { reason?: unknown } | null)?.reason;
    if (wanted !== null && (typeof wanted !== 'string' || wanted === ''))
      throw new BadRequestException('reason must name an archive reason (id or text), or be null');
    const reason = wanted === null ? null : this.state.store.archiveReason(company, wanted);
    const data = this.data.setArchived(company, id, reason?.id ?? null, {}, parseChangeOptions(body));
    return { ok: true, archived: data.archived };
  }

  /** Hire: archive with the company's hired reason; sends candidateHired then candidateArchiveChange. Body `{ webhook?, at? }`. */
  @Post('opportunities/:id/hire')
  @HttpCode(200)
  hire(@Param('id') id: string, @Body() body: unknown) {
    const { company } = this.state.store.findOpportunity(id);
    return { ok: true, ...this.data.hire(company, id, {}, parseChangeOptions(body)) };
  }

  /**
   * Delete the candidacy as an admin would in Lever: later reads are 404; sends candidateDeleted.
   * Query: `deletedBy` (user id; default the company's first super admin), `webhook=false`.
   */
  @Delete('opportunities/:id')
  deleteOpportunity(@Param('id') id: string, @Query('deletedBy') deletedBy?: string, @Query('webhook') webhook?: string) {
    const { company } = this.state.store.findOpportunity(id);
    if (webhook !== undefined && webhook !== 'true' && webhook !== 'false') throw new BadRequestException('webhook must be true or false');
    const by = deletedBy || ([...company.users.values()].find((u) => u.accessRole === 'super admin')?.id ?? null);
    this.data.deleteOpportunity(company, id, by, { webhook: webhook !== 'false' });
    return { ok: true, deletedBy: by };
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
      archivedAt: o.archivedAt,
      archiveReason: o.archiveReason,
      confidentiality: o.confidentiality,
      followers: o.followers,
      updatedAt: o.updatedAt,
      lastAdvancedAt: o.lastAdvancedAt,
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
