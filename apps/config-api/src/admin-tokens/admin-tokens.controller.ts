import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type AdminActor } from '../shared/auth/admin-actor';
import { AdminTokensService } from './admin-tokens.service';
import { AdminTokenListDto, CreatedAdminTokenDto } from './dto/admin-token-response.dto';
import { CreateAdminTokenDto } from './dto/create-admin-token.dto';

@ApiTags('admin-tokens')
@ApiBearerAuth()
@Controller('v1/admin-tokens')
export class AdminTokensController {
  constructor(private readonly service: AdminTokensService) {}

  @Post()
  @ApiOperation({ summary: 'Create an admin token; the secret is in this answer only' })
  @ApiCreatedResponse({ type: CreatedAdminTokenDto })
  create(@CurrentActor() actor: AdminActor, @Body() body: CreateAdminTokenDto): Promise<CreatedAdminTokenDto> {
    return this.service.create(actor, body.name);
  }

  @Get()
  @ApiOperation({ summary: 'List admin tokens (never their secrets)' })
  @ApiOkResponse({ type: AdminTokenListDto })
  async list(): Promise<AdminTokenListDto> {
    return { items: await this.service.list() };
  }

  @Delete(':tokenId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an admin token (it stops working at once)' })
  @ApiNoContentResponse()
  revoke(@CurrentActor() actor: AdminActor, @Param('tokenId', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.revoke(actor, id);
  }
}
