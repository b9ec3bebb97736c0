import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { SequelizeModule } from '@nestjs/sequelize';
import { AuditingModule } from '@app/auditing';
import { AccessTokenAuthenticator } from '@app/common';
import { JobsModule } from '@app/jobs';
import { NotificationsModule } from '@app/notifications';
import { SharedStateModule } from '@app/redis';
import { UsersModule } from '@app/users';
import { AccessTokenStrategy } from './access-token.strategy';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { SESSIONS_MODELS } from './sessions.models';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsJobs } from './sessions.jobs';
import { SessionRevocations } from './session-revocations';
import { SessionsService } from './sessions.service';

/**
 * Sessions, tokens and the account flows. Provides the AccessTokenAuthenticator (the passport-jwt
 * strategy) that AccessGuard finds in the app for every feature's `@Authenticated()`, and
 * registers SessionsService as the users lib's SessionTerminator at init.
 */
@Module({
  imports: [SequelizeModule.forFeature(SESSIONS_MODELS), JwtModule.register({}), UsersModule, NotificationsModule, AuditingModule, JobsModule, SharedStateModule],
  controllers: [AuthController, SessionsController],
  providers: [
    SessionsRepository,
    SessionsService,
    SessionRevocations,
    AuthService,
    SessionsJobs,
    AccessTokenStrategy,
    { provide: AccessTokenAuthenticator, useExisting: AccessTokenStrategy },
  ],
  exports: [SessionsService, AccessTokenAuthenticator],
})
export class SessionsModule {}
