import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { VendorOnly } from '../shared/auth/access-scope';
import { CurrentActor, type AdminActor } from '../shared/auth/admin-actor';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { AdminTokensService } from './admin-tokens.service';
import { AdminTokenListDto, CreatedAdminTokenDto } from './dto/admin-token-response.dto';
import { CreateAdminTokenDto } from './dto/create-admin-token.dto';

/**
 * Account tokens: what a vendor admin gives a customer's own admin. The token reaches only this
 * account's `/v1/accounts/:id/...` routes (AdminAuthGuard), in the console or through the API.
 */
@ApiTags('admin-tokens')
@ApiBearerAuth()
@VendorOnly()
@ApiForbiddenResponse({ type: ErrorResponseDto, description: 'VENDOR_ADMIN_ONLY for account tokens' })
@Controller('v1/accounts/:id/access-tokens')
export class AccountTokensController {
  constructor(
    private readonly service: AdminTokensService,
    private readonly accounts: AccountLookup,
  ) {}

  @Post()
  @ApiOperation({ summary: "Create a token limited to this account (for the customer's admin); the secret is in this answer only" })
  @ApiCreatedResponse({ type: CreatedAdminTokenDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async create(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CreateAdminTokenDto,
  ): Promise<CreatedAdminTokenDto> {
    await this.accounts.require(id);
    return this.service.create(actor, body.name, id);
  }

  @Get()
  @ApiOperation({ summary: "This account's tokens (never their secrets)" })
  @ApiOkResponse({ type: AdminTokenListDto })
  async list(@Param('id', ParseUUIDPipe) id: string): Promise<AdminTokenListDto> {
    await this.accounts.require(id);
    return { items: await this.service.list(id) };
  }

  @Delete(':tokenId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an account token: it and the console sessions made with it stop working at once' })
  @ApiNoContentResponse()
  revoke(
    @CurrentActor() actor: AdminActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('tokenId', ParseUUIDPipe) tokenId: string,
  ): Promise<void> {
    return this.service.revoke(actor, tokenId, id);
  }
}
