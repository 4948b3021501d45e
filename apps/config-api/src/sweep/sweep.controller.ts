import { Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { SweepAnswerDto, SweepState } from './sweep.dto';
import { SweepService } from './sweep.service';

@ApiTags('sweep')
@ApiBearerAuth()
@Controller('v1/accounts/:id/sweep')
export class SweepController {
  constructor(private readonly sweeps: SweepService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Sweep the account now (docs/sweep.md): invite candidates whose stage-change webhook was missed, repair drifted status tags, run recruiter action tags; answers what it found and did',
  })
  @ApiOkResponse({ type: SweepAnswerDto, description: 'status `finished` with the result' })
  @ApiAcceptedResponse({ type: SweepAnswerDto, description: 'status `running`: longer than SWEEP_WAIT_MS; the job goes on' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'ACCOUNT_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'ACCOUNT_NOT_ACTIVE (disabled or disconnected), with the reason' })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'SWEEP_FAILED: the sweep job failed (e.g. Lever refused the key)' })
  async sweep(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<SweepAnswerDto> {
    const answer = await this.sweeps.sweep(id);
    if (answer.status === SweepState.Running) void reply.status(HttpStatus.ACCEPTED);
    return answer;
  }
}
