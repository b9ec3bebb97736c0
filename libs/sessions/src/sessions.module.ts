import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { SequelizeModule } from '@nestjs/sequelize';
import { AccessTokenAuthenticator } from '@app/common';
import { SessionTerminator } from '@app/users';
import { AccessTokenStrategy } from './access-token.strategy';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { SESSIONS_MODELS } from './sessions.models';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsJobs } from './sessions.jobs';
import { SessionsService } from './sessions.service';

/**
 * Sessions, tokens and the account flows. Global: it provides the AccessTokenAuthenticator behind
 * every feature's `@Authenticated()` and the SessionTerminator the users lib calls.
 */
@Global()
@Module({
  imports: [SequelizeModule.forFeature(SESSIONS_MODELS), JwtModule.register({})],
  controllers: [AuthController, SessionsController],
  providers: [
    SessionsRepository,
    SessionsService,
    AuthService,
    SessionsJobs,
    AccessTokenStrategy,
    { provide: AccessTokenAuthenticator, useExisting: AccessTokenStrategy },
    { provide: SessionTerminator, useExisting: SessionsService },
  ],
  exports: [SessionsService, AccessTokenAuthenticator, SessionTerminator],
})
export class SessionsModule {}
