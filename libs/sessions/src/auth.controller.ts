import { applyDecorators, Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audit } from '@app/auditing';
import { AuthRateLimited, Authenticated, CurrentUser, type Principal, Created } from '@app/common';
import { AuthService } from './auth.service';
import { clientInfo } from './client-info';
import { ChangePasswordDto, LoginDto, LogoutDto, RefreshDto, RegisterDto } from './dto/auth.dto';
import { SignedInResponseDto, TokensResponseDto } from './dto/auth-response.dto';

/**
 * Answers that carry tokens must not be stored by any cache, shared or private (RFC 6749 5.1:
 * Cache-Control no-store; Pragma for HTTP/1.0 caches).
 */
function TokenResponse(): MethodDecorator {
  return applyDecorators(Header('cache-control', 'no-store'), Header('pragma', 'no-cache'));
}

@ApiTags('auth')
@AuthRateLimited()
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /**
   * An address already registered answers 409: registration signs the new account in at once,
   * so it cannot pretend to succeed; enumeration through it is bounded by the per-IP limit.
   */
  @Post('register')
  @TokenResponse()
  @Audit({ action: 'auth.register', entityType: 'user' })
  @ApiOperation({
    summary: 'Create an account and sign in',
    description: 'Creates the account and opens its first session at once. 409 if the address is already registered; 400 `weak-password` for a password outside 12 to 72 bytes or a common one.',
  })
  @Created({ type: SignedInResponseDto, description: 'The new account with its tokens', location: '/v1/users/me' })
  @ApiConflictResponse({ description: 'The address is already registered (`email-taken`)' })
  register(@Body() body: RegisterDto, @Req() request: FastifyRequest): Promise<SignedInResponseDto> {
    return this.auth.register(body, clientInfo(request));
  }

  @Post('login')
  @TokenResponse()
  @Audit({ action: 'auth.login', entityType: 'user' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in',
    description: 'Opens a session. 401 alike for an unknown address and a wrong password; repeated failures lock the address for growing periods (423 with Retry-After and `retryAfter`).',
  })
  @ApiOkResponse({ type: SignedInResponseDto, description: 'The account with new tokens' })
  @ApiUnauthorizedResponse({ description: 'Unknown address or wrong password (`invalid-credentials`), or a disabled account' })
  @ApiResponse({ status: 423, description: 'Too many failed sign-ins: locked for `retryAfter` seconds (`account-locked`)' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<SignedInResponseDto> {
    return this.auth.login(body.email, body.password, clientInfo(request));
  }

  @Post('refresh')
  @TokenResponse()
  @Audit({ action: 'auth.refresh', entityType: 'session' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens',
    description:
      'Refresh tokens rotate: each is used once. Presenting one again within REFRESH_REUSE_GRACE_MS of its rotation answers 409 `refresh-token-just-rotated` (a retry or a second tab: keep the tokens you got); later, it is treated as theft and ends the session.',
  })
  @ApiOkResponse({ type: TokensResponseDto, description: 'New tokens of the same session' })
  @ApiUnauthorizedResponse({ description: 'Unknown, expired, revoked or reused refresh token' })
  @ApiConflictResponse({ description: 'The token was rotated a moment ago (`refresh-token-just-rotated`); nothing was revoked' })
  refresh(@Body() body: RefreshDto, @Req() request: FastifyRequest): Promise<TokensResponseDto> {
    return this.auth.refresh(body.refreshToken, clientInfo(request));
  }

  @Post('logout')
  @Audit({ action: 'auth.logout', entityType: 'session' })
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'End the current session', description: 'Ends the session of the access token; its refresh token stops working.' })
  @ApiNoContentResponse({ description: 'Signed out' })
  async logout(@CurrentUser() user: Principal, @Body() _body: LogoutDto): Promise<void> {
    await this.auth.logout(user);
  }

  @Post('logout-all')
  @Audit({ action: 'auth.logout-all', entityType: 'user' })
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'End every session of the account', description: 'Signs the account out everywhere, this session included.' })
  @ApiNoContentResponse({ description: 'Every session ended' })
  async logoutAll(@CurrentUser() user: Principal): Promise<void> {
    await this.auth.logoutAll(user);
  }

  @Post('password')
  @Audit({ action: 'auth.password-change', entityType: 'user' })
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({
    summary: 'Change the password',
    description: 'Requires the current password (wrong ones count toward the sign-in lockout); ends every other session of the account.',
  })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiResponse({ status: 423, description: 'Too many wrong current passwords: locked for `retryAfter` seconds' })
  async changePassword(@CurrentUser() user: Principal, @Body() body: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(user, body.currentPassword, body.newPassword);
  }
}
