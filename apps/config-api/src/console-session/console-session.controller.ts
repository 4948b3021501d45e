import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigApiEnv } from '../config';
import { CONFIG_API_ENV } from '../config-api.tokens';
import { PublicRoute, ScopedAccess } from '../shared/auth/access-scope';
import { CurrentActor, type AdminActor, type AuthenticatedRequest } from '../shared/auth/admin-actor';
import { SESSION_TTL_MS, clearSessionCookie, cookieIsSecure, setSessionCookie } from '../shared/auth/session-cookie';
import { ErrorResponseDto } from '../shared/errors/error-response.dto';
import { ForbiddenApiError } from '../shared/errors/api.errors';
import { ConsoleSessionService, type StartedSession } from './console-session.service';
import { CreateSignInLinkDto, SessionDto, SignInLinkDto, SignInWithLinkDto, SignInWithTokenDto } from './dto/session.dto';

@ApiTags('console session')
@Controller('v1/session')
export class ConsoleSessionController {
  constructor(
    private readonly service: ConsoleSessionService,
    @Inject(CONFIG_API_ENV) private readonly env: ConfigApiEnv,
  ) {}

  @Post()
  @PublicRoute()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Console sign-in: exchanges a token for an httpOnly, SameSite=Strict session cookie' })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'SIGN_IN_REFUSED' })
  async signIn(
    @Req() request: FastifyRequest,
    @Body() body: SignInWithTokenDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionDto> {
    assertSameOriginJson(request);
    return this.answer(request, reply, await this.service.signInWithToken(body.token));
  }

  @Post('link')
  @PublicRoute()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Console sign-in with a one-time link code' })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'SIGN_IN_REFUSED: used, expired or unknown' })
  async signInWithLink(
    @Req() request: FastifyRequest,
    @Body() body: SignInWithLinkDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionDto> {
    assertSameOriginJson(request);
    return this.answer(request, reply, await this.service.signInWithLink(body.code));
  }

  @Get()
  @ScopedAccess()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who is signed in, and the CSRF token of the session' })
  @ApiOkResponse({ type: SessionDto })
  get(
    @CurrentActor() actor: AdminActor,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): SessionDto {
    void reply.header('cache-control', 'no-store');
    return this.service.describe(actor, request.authenticatedVia);
  }

  @Delete()
  @ScopedAccess()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign out: the session ends and the cookie is cleared' })
  @ApiNoContentResponse()
  async signOut(
    @CurrentActor() actor: AdminActor,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.service.signOut(actor, request.authenticatedVia);
    clearSessionCookie(reply, cookieIsSecure(request, this.env.NODE_ENV));
  }

  private answer(request: FastifyRequest, reply: FastifyReply, started: StartedSession): SessionDto {
    setSessionCookie(reply, started.secret, SESSION_TTL_MS / 1000, cookieIsSecure(request, this.env.NODE_ENV));
    void reply.header('cache-control', 'no-store');
    return started.session;
  }
}

@ApiTags('console session')
@ApiBearerAuth()
@Controller('v1/sign-in-links')
export class SignInLinksController {
  constructor(private readonly service: ConsoleSessionService) {}

  @Post()
  @ApiOperation({ summary: 'A one-time console sign-in link (vendor admins), for an account or for a vendor session' })
  @ApiCreatedResponse({ type: SignInLinkDto })
  create(@CurrentActor() actor: AdminActor, @Body() body: CreateSignInLinkDto): Promise<SignInLinkDto> {
    return this.service.createLink(actor, body);
  }
}

/**
 * Sign-in is not authenticated, so it is guarded against login CSRF (another site signing the
 * browser into the attacker's session): a JSON body, which an HTML form cannot send without a
 * CORS preflight that this API never answers, and no foreign Origin.
 */
function assertSameOriginJson(request: FastifyRequest): void {
  const type = String(request.headers['content-type'] ?? '');
  const origin = request.headers.origin;
  const foreign = typeof origin === 'string' && origin !== 'null' && safeHost(origin) !== request.headers.host;
  if (!/^application\/json\b/i.test(type) || foreign || origin === 'null') {
    throw new ForbiddenApiError('SIGN_IN_NOT_SAME_ORIGIN', 'Sign in from the console page itself');
  }
}

function safeHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
