import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { listTests } from '../catalog/test-catalog';
import { ApiKeyGuard } from '../traffic/api-key.guard';
import { TrafficGuard } from '../traffic/traffic.guard';

@Controller('v1/tests')
@UseGuards(TrafficGuard, ApiKeyGuard)
export class TestsController {
  /** `?accountId=<platform account id>`: the tests that account may use (shared and its own). */
  @Get()
  list(@Query('accountId') accountId?: string) {
    return { data: listTests(typeof accountId === 'string' && accountId !== '' ? accountId : undefined) };
  }
}
