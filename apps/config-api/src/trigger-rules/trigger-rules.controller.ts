import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, type AdminActor } from '../shared/auth/admin-actor';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { CreateTriggerRuleDto, TriggerRuleDto, TriggerRuleListDto, UpdateTriggerRuleDto } from './dto/trigger-rule.dto';
import { TriggerRulesService } from './trigger-rules.service';

@ApiTags('trigger rules')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ErrorResponseDto })
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Field-level messages (unknown stage lists the existing ones)' })
@Controller('v1/accounts/:id/trigger-rules')
export class TriggerRulesController {
  constructor(private readonly rules: TriggerRulesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a rule by stageId or stageName (resolved through Lever)' })
  @ApiCreatedResponse({ type: TriggerRuleDto })
  create(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CreateTriggerRuleDto,
  ): Promise<TriggerRuleDto> {
    return this.rules.create(actor, id, body);
  }

  @Get()
  @ApiOkResponse({ type: TriggerRuleListDto })
  async list(@Param('id', ParseUUIDPipe) id: string): Promise<TriggerRuleListDto> {
    return { items: await this.rules.list(id) };
  }

  @Get(':ruleId')
  @ApiOkResponse({ type: TriggerRuleDto })
  get(@Param('id', ParseUUIDPipe) id: string, @Param('ruleId', ParseUUIDPipe) ruleId: string): Promise<TriggerRuleDto> {
    return this.rules.get(id, ruleId);
  }

  @Patch(':ruleId')
  @ApiOkResponse({ type: TriggerRuleDto })
  update(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('ruleId', ParseUUIDPipe) ruleId: string,
    @Body() body: UpdateTriggerRuleDto,
  ): Promise<TriggerRuleDto> {
    return this.rules.update(actor, id, ruleId, body);
  }

  @Delete(':ruleId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'RULE_IN_USE: it has assessments; disable it instead' })
  delete(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('ruleId', ParseUUIDPipe) ruleId: string,
  ): Promise<void> {
    return this.rules.delete(actor, id, ruleId);
  }
}
