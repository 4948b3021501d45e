import { AuditLogRepository } from '@lever-assess/persistence';
import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQueryDto } from '../shared/http/page-query.dto';
import { AuditEntryDto, AuditPageDto } from './dto/audit-entry.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/accounts/:id/audit')
export class AuditController {
  constructor(private readonly log: AuditLogRepository) {}

  // No 404 for an unknown account on purpose: the trail outlives a deleted account.
  @Get()
  @ApiOperation({ summary: "The account's audit trail, newest first (kept after the account is deleted)" })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Param('id', ParseUUIDPipe) id: string, @Query() page: PageQueryDto): Promise<AuditPageDto> {
    const result = await this.log.listForAccount(id, page);
    return { ...result, items: result.items.map((e) => AuditEntryDto.from(e)) };
  }
}
