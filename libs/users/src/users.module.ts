import { Global, Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { AdminUsersController } from './admin-users.controller';
import { DemoAccountSeeder } from './demo-account.seeder';
import { USERS_MODELS } from './users.models';
import { PasswordHasher } from './password-hasher';
import { UserContacts } from './user-contacts';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Accounts and preferences. Global so the sessions and notifications libs reach UsersService. */
@Global()
@Module({
  imports: [SequelizeModule.forFeature(USERS_MODELS)],
  controllers: [UsersController, AdminUsersController],
  providers: [UsersRepository, UsersService, PasswordHasher, UserContacts, DemoAccountSeeder],
  exports: [UsersService, UserContacts],
})
export class UsersModule {}
