import { Controller, Get, UseGuards } from '@nestjs/common';
import { TEST_CATALOG } from '../catalog/test-catalog';
import { ApiKeyGuard } from '../traffic/api-key.guard';
import { TrafficGuard } from '../traffic/traffic.guard';

@Controller('v1/tests')
@UseGuards(TrafficGuard, ApiKeyGuard)
export class TestsController {
  @Get()
  list() {
    return { data: TEST_CATALOG };
  }
}
