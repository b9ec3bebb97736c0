import { Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { AuditingModule } from '@app/auditing';
import { NotificationsModule } from '@app/notifications';
import { SharedStateModule } from '@app/redis';
import { AdminUsersController } from './admin-users.controller';
import { DemoAccountSeeder } from './demo-account.seeder';
import { USERS_MODELS } from './users.models';
import { PasswordHasher } from './password-hasher';
import { UserContacts } from './user-contacts';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { UnknownAddressLockout } from './unknown-address-lockout';

/**
 * Accounts and preferences. Registers UserContacts with the notifications lib at init; the
 * sessions lib (which imports this module) registers its SessionTerminator with UsersService.
 */
@Module({
  imports: [SequelizeModule.forFeature(USERS_MODELS), AuditingModule, NotificationsModule, SharedStateModule],
  controllers: [UsersController, AdminUsersController],
  providers: [UsersRepository, UsersService, PasswordHasher, UserContacts, DemoAccountSeeder, UnknownAddressLockout],
  exports: [UsersService, UserContacts],
})
export class UsersModule {}
