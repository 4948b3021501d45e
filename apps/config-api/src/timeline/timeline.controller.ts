import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { TimelineDto, TimelineQueryDto } from './dto/timeline.dto';
import { TimelineService } from './timeline.service';

@ApiTags('timeline')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ErrorResponseDto })
@Controller('v1/accounts/:id/events')
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get()
  @ApiOperation({
    summary: "A candidate's timeline, oldest first: webhooks and their outcome, rules, invitations, Lever writes, platform events, errors",
  })
  @ApiOkResponse({ type: TimelineDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  list(@Param('id', ParseUUIDPipe) id: string, @Query() query: TimelineQueryDto): Promise<TimelineDto> {
    return this.timeline.list(id, query);
  }
}
