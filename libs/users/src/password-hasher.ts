import { Injectable } from '@nestjs/common';
import { compare, hash } from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { InjectConfig } from '@app/config';
import { USERS_CONFIG, type UsersConfig } from './users.config';

/** bcrypt through its async API (the work runs on libuv's thread pool, off the event loop). */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;

  constructor(@InjectConfig(USERS_CONFIG) private readonly config: UsersConfig) {}

  hash(password: string): Promise<string> {
    return hash(password, this.config.bcryptCost);
  }

  verify(password: string, passwordHash: string): Promise<boolean> {
    return compare(password, passwordHash);
  }

  /**
   * Spends one comparison against a hash of the configured cost, so that an unknown e-mail
   * costs what a wrong password does and timing reveals nothing.
   */
  async burn(password: string): Promise<void> {
    this.dummy ??= hash(randomBytes(16).toString('hex'), this.config.bcryptCost);
    await compare(password, await this.dummy);
  }
}
