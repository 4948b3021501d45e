import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { LeverApiGuard, LeverCaller, RequiresPermission, type LeverCallerContext } from './lever-api.guard';
import { LeverDataService, type Query as Q } from './lever-data.service';
import { LeverApiError } from './lever-api.error';
import { bodyArchiveReason, bodyOptionalBoolean, bodyString, bodyStringList } from './request-input';

@Controller('v1/opportunities')
@UseGuards(LeverApiGuard)
export class OpportunitiesController {
  constructor(private readonly data: LeverDataService) {}

  @Get()
  @RequiresPermission('opportunities:read')
  list(@LeverCaller() { company, key }: LeverCallerContext, @Query() query: Q) {
    return this.data.listOpportunities(company, query, key.permissions.has('confidential:read'));
  }

  @Get(':id')
  @RequiresPermission('opportunities:read')
  get(@LeverCaller() { company, key }: LeverCallerContext, @Param('id') id: string, @Query() query: Q) {
    assertConfidentialAccess(company, key, id);
    return { data: this.data.getOpportunity(company, id, query) };
  }

  @Post(':id/addTags')
  @HttpCode(200)
  @RequiresPermission('opportunities:write')
  addTags(@LeverCaller() { company, key }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    assertConfidentialAccess(company, key, id);
    return { data: this.data.addTags(company, id, bodyStringList(body, 'tags'), query) };
  }

  @Post(':id/removeTags')
  @HttpCode(200)
  @RequiresPermission('opportunities:write')
  removeTags(@LeverCaller() { company, key }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    assertConfidentialAccess(company, key, id);
    return { data: this.data.removeTags(company, id, bodyStringList(body, 'tags'), query) };
  }

  @Post(':id/addLinks')
  @HttpCode(200)
  @RequiresPermission('opportunities:write')
  addLinks(@LeverCaller() { company, key }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    assertConfidentialAccess(company, key, id);
    return { data: this.data.addLinks(company, id, bodyStringList(body, 'links'), query) };
  }

  @Post(':id/removeLinks')
  @HttpCode(200)
  @RequiresPermission('opportunities:write')
  removeLinks(@LeverCaller() { company, key }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    assertConfidentialAccess(company, key, id);
    return { data: this.data.removeLinks(company, id, bodyStringList(body, 'links'), query) };
  }

  @Put(':id/stage')
  @RequiresPermission('opportunities:write')
  changeStage(@LeverCaller() { company, key }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    assertConfidentialAccess(company, key, id);
    return { data: this.data.changeStage(company, id, bodyString(body, 'stage'), query) };
  }

  /** Lever: `{ reason: <archiveReasonId> }` archives, `{ reason: null }` unarchives. */
  @Put(':id/archived')
  @RequiresPermission('opportunities:write')
  setArchived(@LeverCaller() { company, key }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    assertConfidentialAccess(company, key, id);
    return { data: this.data.setArchived(company, id, bodyArchiveReason(body), query) };
  }

  @Post(':id/notes')
  @HttpCode(201)
  @RequiresPermission('notes:write')
  createNote(@LeverCaller() { company, key }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    assertConfidentialAccess(company, key, id);
    const input = {
      value: bodyString(body, 'value'),
      secret: bodyOptionalBoolean(body, 'secret'),
      notifyFollowers: bodyOptionalBoolean(body, 'notifyFollowers'),
    };
    return { data: this.data.createNote(company, id, input, query) };
  }

  @Get(':id/notes')
  @RequiresPermission('notes:read')
  listNotes(@LeverCaller() { company, key }: LeverCallerContext, @Param('id') id: string, @Query() query: Q) {
    assertConfidentialAccess(company, key, id);
    return this.data.listNotes(company, id, query);
  }
}

/**
 * Lever shows confidential opportunities only to keys created with confidential access; for
 * any other key, reading or writing one is refused (403, Lever's access error; docs/lever-sandbox.md).
 */
function assertConfidentialAccess(company: LeverCallerContext['company'], key: LeverCallerContext['key'], id: string): void {
  const opportunity = company.opportunities.get(id);
  if (opportunity?.confidentiality === 'confidential' && !key.permissions.has('confidential:read')) {
    throw new LeverApiError(403, 'Forbidden', 'This API key does not have access to confidential data');
  }
}
