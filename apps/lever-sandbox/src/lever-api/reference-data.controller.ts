import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { LeverApiGuard, LeverCaller, RequiresPermission, type LeverCallerContext } from './lever-api.guard';
import { LeverDataService, type Query as Q } from './lever-data.service';

/** Stages, users, tags and archive reasons: the read-only lists lever-assess uses for setup and perform_as. */
@Controller('v1')
@UseGuards(LeverApiGuard)
export class ReferenceDataController {
  constructor(private readonly data: LeverDataService) {}

  @Get('stages')
  @RequiresPermission('stages:read')
  stages(@LeverCaller() { company }: LeverCallerContext, @Query() query: Q) {
    return this.data.listStages(company, query);
  }

  @Get('stages/:id')
  @RequiresPermission('stages:read')
  stage(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string) {
    return { data: this.data.getStage(company, id) };
  }

  @Get('users')
  @RequiresPermission('users:read')
  users(@LeverCaller() { company }: LeverCallerContext, @Query() query: Q) {
    return this.data.listUsers(company, query);
  }

  @Get('users/:id')
  @RequiresPermission('users:read')
  user(@LeverCaller() { company }: LeverCallerContext, @Param('id') id: string) {
    return { data: this.data.getUser(company, id) };
  }

  @Get('tags')
  @RequiresPermission('tags:read')
  tags(@LeverCaller() { company }: LeverCallerContext, @Query() query: Q) {
    return this.data.listTags(company, query);
  }

  @Get('archive_reasons')
  @RequiresPermission('archive_reasons:read')
  archiveReasons(@LeverCaller() { company }: LeverCallerContext, @Query() query: Q) {
    return this.data.listArchiveReasons(company, query);
  }
}
