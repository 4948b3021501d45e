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
import { CatalogService } from './catalog.service';
import { CatalogImportDto, CatalogTestDto, CatalogTestListDto, CreateCatalogTestDto, UpdateCatalogTestDto } from './dto/catalog-test.dto';

@ApiTags('test catalog')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ErrorResponseDto })
@ApiBadRequestResponse({ type: ErrorResponseDto })
@Controller('v1/accounts/:id/tests')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Post()
  @ApiCreatedResponse({ type: CatalogTestDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'TEST_NAME_TAKEN' })
  create(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CreateCatalogTestDto,
  ): Promise<CatalogTestDto> {
    return this.catalog.create(actor, id, body);
  }

  @Post('import')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Import the platform's tests (GET /v1/tests), upserting by name" })
  @ApiOkResponse({ type: CatalogImportDto })
  import(@CurrentActor() actor: AdminActor, @Param('id', ParseUUIDPipe) id: string): Promise<CatalogImportDto> {
    return this.catalog.importFromPlatform(actor, id);
  }

  @Get()
  @ApiOkResponse({ type: CatalogTestListDto })
  async list(@Param('id', ParseUUIDPipe) id: string): Promise<CatalogTestListDto> {
    return { items: await this.catalog.list(id) };
  }

  @Get(':testId')
  @ApiOkResponse({ type: CatalogTestDto })
  get(@Param('id', ParseUUIDPipe) id: string, @Param('testId', ParseUUIDPipe) testId: string): Promise<CatalogTestDto> {
    return this.catalog.get(id, testId);
  }

  @Patch(':testId')
  @ApiOkResponse({ type: CatalogTestDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'TEST_NAME_TAKEN' })
  update(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('testId', ParseUUIDPipe) testId: string,
    @Body() body: UpdateCatalogTestDto,
  ): Promise<CatalogTestDto> {
    return this.catalog.update(actor, id, testId, body);
  }

  @Delete(':testId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'TEST_IN_USE: a trigger rule uses it' })
  delete(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('testId', ParseUUIDPipe) testId: string,
  ): Promise<void> {
    return this.catalog.delete(actor, id, testId);
  }
}
