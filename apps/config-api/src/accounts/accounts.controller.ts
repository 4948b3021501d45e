import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
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
import { ScopedAccess, VendorOnly } from '../shared/auth/access-scope';
import { CurrentActor, scopeOf, type AdminActor } from '../shared/auth/admin-actor';
import { ForbiddenApiError } from '../shared/errors/api.errors';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { PageQueryDto } from '../shared/http/page-query.dto';
import { AccountsService } from './accounts.service';
import { AccountDto, AccountPageDto } from './dto/account-response.dto';
import { CreateAccountDto } from './dto/create-account.dto';
import { UpdateAccountDto } from './dto/update-account.dto';

@ApiTags('accounts')
@ApiBearerAuth()
@ApiBadRequestResponse({ type: ErrorResponseDto })
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @ApiOperation({ summary: 'Connect a customer: returns the webhook URL to paste into Lever' })
  @ApiCreatedResponse({ type: AccountDto })
  create(@CurrentActor() actor: AdminActor, @Body() body: CreateAccountDto): Promise<AccountDto> {
    return this.accounts.create(actor, body);
  }

  @Get()
  @ScopedAccess()
  @ApiOperation({ summary: 'Every account; an account token sees its own account only' })
  @ApiOkResponse({ type: AccountPageDto })
  list(@CurrentActor() actor: AdminActor, @Query() page: PageQueryDto): Promise<AccountPageDto> {
    return this.accounts.list(page, scopeOf(actor));
  }

  @Get(':id')
  @ApiOkResponse({ type: AccountDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<AccountDto> {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update fields, replace secrets, or disable/enable with `status`' })
  @ApiOkResponse({ type: AccountDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'TAG_PREFIX_IN_USE: assessments in progress carry the current tagPrefix' })
  update(@CurrentActor() actor: AdminActor, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateAccountDto): Promise<AccountDto> {
    if (scopeOf(actor)) assertAccountAdminMayChange(body);
    return this.accounts.update(actor, id, body);
  }

  @Delete(':id')
  @VendorOnly()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete the account with its catalog, rules and assessments' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  delete(@CurrentActor() actor: AdminActor, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.accounts.delete(actor, id);
  }

  @Post(':id/webhook-key/rotate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'New webhook URL; the old one stops working at once' })
  @ApiOkResponse({ type: AccountDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  rotate(@CurrentActor() actor: AdminActor, @Param('id', ParseUUIDPipe) id: string): Promise<AccountDto> {
    return this.accounts.rotateWebhookKey(actor, id);
  }
}

/**
 * What a customer's own admin (an account token) may not change on their account: the platform
 * account it is billed and tested under (another customer's would reach that customer's tests),
 * and the Lever API URL (config-api would call whatever host it names, loopback included).
 */
function assertAccountAdminMayChange(body: UpdateAccountDto): void {
  const fields = [
    ...(body.platformAccountId !== undefined ? ['platformAccountId'] : []),
    ...(body.lever?.apiUrl !== undefined ? ['lever.apiUrl'] : []),
  ];
  if (fields.length === 0) return;
  const message = "Only the vendor's admins can change this";
  throw new ForbiddenApiError(
    'VENDOR_ADMIN_ONLY',
    `${message}: ${fields.join(', ')}`,
    fields.map((field) => ({ field, messages: [message] })),
  );
}
