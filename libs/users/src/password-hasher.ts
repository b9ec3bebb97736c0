import { Injectable } from '@nestjs/common';
import { compare, hash } from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { AppConfigService } from '@app/config';

/** bcrypt through its async API (the work runs on libuv's thread pool, off the event loop). */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;

  constructor(private readonly config: AppConfigService) {}

  hash(password: string): Promise<string> {
    return hash(password, this.config.auth.bcryptCost);
  }

  verify(password: string, passwordHash: string): Promise<boolean> {
    return compare(password, passwordHash);
  }

  /**
   * Spends one comparison against a hash of the configured cost, so that an unknown e-mail
   * costs what a wrong password does and timing reveals nothing.
   */
  async burn(password: string): Promise<void> {
    this.dummy ??= hash(randomBytes(16).toString('hex'), this.config.auth.bcryptCost);
    await compare(password, await this.dummy);
  }
}
