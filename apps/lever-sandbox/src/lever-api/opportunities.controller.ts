import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { LeverApiGuard, LeverCaller, RequiresPermission, type LeverCallerContext } from './lever-api.guard';
import { LeverDataService, type Query as Q } from './lever-data.service';
import { bodyArchiveReason, bodyOptionalBoolean, bodyString, bodyStringList } from './request-input';

@Controller('v1/opportunities')
@UseGuards(LeverApiGuard)
export class OpportunitiesController {
  constructor(private readonly data: LeverDataService) {}

  @Get()
  @RequiresPermission('opportunities:read')
  list(@LeverCaller() { company }: LeverCallerContext, @Query() query: Q) {
    return this.data.listOpportunities(company, query);
  }

  @Get(':id')
  @RequiresPermission('opportunities:read')
  get(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string, @Query() query: Q) {
    return { data: this.data.getOpportunity(company, id, query) };
  }

  @Post(':id/addTags')
  @HttpCode(200)
  @RequiresPermission('opportunities:write')
  addTags(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    return { data: this.data.addTags(company, id, bodyStringList(body, 'tags'), query) };
  }

  @Post(':id/removeTags')
  @HttpCode(200)
  @RequiresPermission('opportunities:write')
  removeTags(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    return { data: this.data.removeTags(company, id, bodyStringList(body, 'tags'), query) };
  }

  @Post(':id/addLinks')
  @HttpCode(200)
  @RequiresPermission('opportunities:write')
  addLinks(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    return { data: this.data.addLinks(company, id, bodyStringList(body, 'links'), query) };
  }

  @Post(':id/removeLinks')
  @HttpCode(200)
  @RequiresPermission('opportunities:write')
  removeLinks(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    return { data: this.data.removeLinks(company, id, bodyStringList(body, 'links'), query) };
  }

  @Put(':id/stage')
  @RequiresPermission('opportunities:write')
  changeStage(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    return { data: this.data.changeStage(company, id, bodyString(body, 'stage'), query) };
  }

  /** Lever: `{ reason: <archiveReasonId> }` archives, `{ reason: null }` unarchives. */
  @Put(':id/archived')
  @RequiresPermission('opportunities:write')
  setArchived(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    return { data: this.data.setArchived(company, id, bodyArchiveReason(body), query) };
  }

  @Post(':id/notes')
  @HttpCode(201)
  @RequiresPermission('notes:write')
  createNote(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string, @Body() body: unknown, @Query() query: Q) {
    const input = {
      value: bodyString(body, 'value'),
      secret: bodyOptionalBoolean(body, 'secret'),
      notifyFollowers: bodyOptionalBoolean(body, 'notifyFollowers'),
    };
    return { data: this.data.createNote(company, id, input, query) };
  }

  @Get(':id/notes')
  @RequiresPermission('notes:read')
  listNotes(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string, @Query() query: Q) {
    return this.data.listNotes(company, id, query);
  }
}
