import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiExcludeController,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, type AdminActor } from '../shared/auth/admin-actor';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { LeverOAuthService, type CallbackResult } from './lever-oauth.service';

export class OAuthStartDto {
  @ApiProperty({ description: "Open it in the browser of a Lever admin of the account's company" })
  authorizeUrl: string;

  @ApiProperty({ description: 'The link works once, for this long' })
  expiresInSeconds: number;
}

@ApiTags('lever')
@ApiBearerAuth()
@Controller('v1/accounts/:id/lever/oauth')
export class LeverOAuthController {
  constructor(private readonly oauth: LeverOAuthService) {}

  @Post('start')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Lever's authorize URL for this account (one-time state, 10 minutes); the callback stores the tokens" })
  @ApiOkResponse({ type: OAuthStartDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'LEVER_OAUTH_NOT_CONFIGURED' })
  start(@CurrentActor() actor: AdminActor, @Param('id', ParseUUIDPipe) id: string): Promise<OAuthStartDto> {
    return this.oauth.start(actor, id);
  }
}

/** Where Lever sends the admin's browser back. Public: the one-time state proves the account. */
@ApiExcludeController()
@Controller('oauth/lever')
export class LeverOAuthCallbackController {
  constructor(private readonly oauth: LeverOAuthService) {}

  @Get('callback')
  async callback(@Query() query: Record<string, string | undefined>, @Res() reply: FastifyReply): Promise<void> {
    const result = await this.oauth.callback(query);
    const wantsJson = /application\/json/.test(String(reply.request.headers.accept ?? ''));
    void reply
      .status(result.ok ? 200 : result.status)
      .header('cache-control', 'no-store')
      .type(wantsJson ? 'application/json' : 'text/html; charset=utf-8')
      .send(wantsJson ? json(result) : page(result));
  }
}

const json = (r: CallbackResult) =>
  r.ok ? { connected: true, accountId: r.accountId } : { connected: false, error: 'LEVER_OAUTH_CALLBACK_REFUSED', message: r.reason };

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(r: CallbackResult): string {
  const [title, text] = r.ok
    ? ['Lever connected', `Account ${r.accountId} now reaches Lever with OAuth. You can close this window.`]
    : ['Lever not connected', r.reason];
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
}
