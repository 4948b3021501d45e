import { Body, Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { PreviewDto, PreviewRequestDto } from './dto/preview.dto';
import { PreviewService } from './preview.service';

@ApiTags('preview')
@ApiBearerAuth()
@Controller('v1/accounts/:id/preview')
export class PreviewController {
  constructor(private readonly preview: PreviewService) {}

  // POST although it changes nothing: it takes a body, and a dry run is an action, not a resource.
  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Dry run: what moving the candidate to the stage now would send and write (one Lever read; sends and writes nothing)',
  })
  @ApiOkResponse({ type: PreviewDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED naming the field' })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'ACCOUNT_NOT_FOUND, or OPPORTUNITY_NOT_FOUND when Lever has no such opportunity',
  })
  run(@Param('id', ParseUUIDPipe) id: string, @Body() body: PreviewRequestDto): Promise<PreviewDto> {
    return this.preview.preview(id, body);
  }
}
