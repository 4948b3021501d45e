import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ScopedAccess } from '../shared/auth/access-scope';
import { CurrentActor, scopeOf, type AdminActor } from '../shared/auth/admin-actor';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { BulkRetryResultDto, FailedJobListDto, FailedJobsQueryDto, RetriedJobDto, RetryFailedJobsDto } from './dto/failed-job.dto';
import { FailedJobsService } from './failed-jobs.service';

@ApiTags('failed jobs')
@ApiBearerAuth()
// An account token sees and replays its own account's jobs only (the service applies the scope).
@ScopedAccess()
@Controller('v1/failed-jobs')
export class FailedJobsController {
  constructor(private readonly failedJobs: FailedJobsService) {}

  @Get()
  @ApiOperation({ summary: 'Failed jobs per queue, newest first, with the reason' })
  @ApiOkResponse({ type: FailedJobListDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  list(@CurrentActor() actor: AdminActor, @Query() query: FailedJobsQueryDto): Promise<FailedJobListDto> {
    return this.failedJobs.list(query, scopeOf(actor));
  }

  @Post('retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Retry every failed job matching a filter (queue, account, error code), oldest first, up to a limit',
    description: 'Each job gets a fresh attempt budget, as with the single retry. `more` is true when further jobs match.',
  })
  @ApiAcceptedResponse({ type: BulkRetryResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED naming the field' })
  retryMany(@CurrentActor() actor: AdminActor, @Body() filter: RetryFailedJobsDto): Promise<BulkRetryResultDto> {
    return this.failedJobs.retryMany(actor, filter, scopeOf(actor));
  }

  @Post(':queue/:jobId/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Retry one failed job with a fresh attempt budget' })
  @ApiAcceptedResponse({ type: RetriedJobDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'unknown queue' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'unknown job' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'JOB_NOT_FAILED' })
  retry(@CurrentActor() actor: AdminActor, @Param('queue') queue: string, @Param('jobId') jobId: string): Promise<RetriedJobDto> {
    return this.failedJobs.retry(actor, queue, jobId, scopeOf(actor));
  }
}
