import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { AccountOverviewDto, CandidateSearchDto, CandidateSearchQueryDto } from './overview.dto';
import { OverviewService } from './overview.service';

@ApiTags('accounts')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ErrorResponseDto })
@Controller('v1/accounts/:id')
export class OverviewController {
  constructor(private readonly service: OverviewService) {}

  @Get('overview')
  @ApiOperation({ summary: 'Backlog (parked and failed jobs, open assessments), the last webhook and the latest errors' })
  @ApiOkResponse({ type: AccountOverviewDto })
  overview(@Param('id', ParseUUIDPipe) id: string): Promise<AccountOverviewDto> {
    return this.service.overview(id);
  }

  @Get('candidates')
  @ApiOperation({ summary: "Find a candidate's Lever opportunities by email (one Lever read)" })
  @ApiOkResponse({ type: CandidateSearchDto })
  search(@Param('id', ParseUUIDPipe) id: string, @Query() query: CandidateSearchQueryDto): Promise<CandidateSearchDto> {
    return this.service.searchByEmail(id, query.email);
  }
}
