import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, type AdminActor } from '../shared/auth/admin-actor';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { AssessmentsService } from './assessments.service';
import { AssessmentDto, AssessmentPageDto, AssessmentQueryDto, ResendResultDto } from './dto/assessment.dto';

@ApiTags('assessments')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ErrorResponseDto })
@Controller('v1/accounts/:id/assessments')
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @Get()
  @ApiOperation({ summary: 'Assessments, newest first, filtered by opportunity and status' })
  @ApiOkResponse({ type: AssessmentPageDto })
  list(@Param('id', ParseUUIDPipe) id: string, @Query() query: AssessmentQueryDto): Promise<AssessmentPageDto> {
    return this.assessments.list(id, query);
  }

  @Get(':assessmentId')
  @ApiOkResponse({ type: AssessmentDto })
  get(@Param('id', ParseUUIDPipe) id: string, @Param('assessmentId', ParseUUIDPipe) assessmentId: string): Promise<AssessmentDto> {
    return this.assessments.get(id, assessmentId);
  }

  @Post(':assessmentId/resend')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Re-apply tags/links in Lever (active or scored), or run the trigger again (error, expired, canceled)' })
  @ApiAcceptedResponse({ type: ResendResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto })
  resend(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('assessmentId', ParseUUIDPipe) assessmentId: string,
  ): Promise<ResendResultDto> {
    return this.assessments.resend(actor, id, assessmentId);
  }

  @Post(':assessmentId/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Cancel the invitation on the platform and update the candidate's tag" })
  @ApiOkResponse({ type: AssessmentDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'ASSESSMENT_NOT_CANCELABLE' })
  cancel(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('assessmentId', ParseUUIDPipe) assessmentId: string,
  ): Promise<AssessmentDto> {
    return this.assessments.cancel(actor, id, assessmentId);
  }
}
