import { applyDecorators, Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audit } from '@app/auditing';
import { AuthRateLimited, Authenticated, CurrentUser, type Principal } from '@app/common';
import { AuthService, type SignedIn } from './auth.service';
import { clientInfo } from './client-info';
import { ChangePasswordDto, LoginDto, LogoutDto, RefreshDto, RegisterDto } from './dto/auth.dto';
import type { IssuedTokens } from './sessions.service';

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
  @ApiOperation({ summary: 'Create an account and sign in (409 if the address is already registered)' })
  register(@Body() body: RegisterDto, @Req() request: FastifyRequest): Promise<SignedIn> {
    return this.auth.register(body, clientInfo(request));
  }

  @Post('login')
  @TokenResponse()
  @Audit({ action: 'auth.login', entityType: 'user' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; 401 alike for an unknown address and a wrong password; 423 while locked' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<SignedIn> {
    return this.auth.login(body.email, body.password, clientInfo(request));
  }

  @Post('refresh')
  @TokenResponse()
  @Audit({ action: 'auth.refresh', entityType: 'session' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (it is rotated: use each once)' })
  refresh(@Body() body: RefreshDto, @Req() request: FastifyRequest): Promise<IssuedTokens> {
    return this.auth.refresh(body.refreshToken, clientInfo(request));
  }

  @Post('logout')
  @Audit({ action: 'auth.logout', entityType: 'session' })
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'End the current session' })
  async logout(@CurrentUser() user: Principal, @Body() _body: LogoutDto): Promise<void> {
    await this.auth.logout(user);
  }

  @Post('logout-all')
  @Audit({ action: 'auth.logout-all', entityType: 'user' })
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'End every session of the account' })
  async logoutAll(@CurrentUser() user: Principal): Promise<void> {
    await this.auth.logoutAll(user);
  }

  @Post('password')
  @Audit({ action: 'auth.password-change', entityType: 'user' })
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Change the password; ends every other session' })
  async changePassword(@CurrentUser() user: Principal, @Body() body: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(user, body.currentPassword, body.newPassword);
  }
}
