import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfigService } from '@app/config';
import { MigrationService, TransactionRunner } from '@app/database';
import { UsersService } from './users.service';
import { EmailTakenProblem } from './users.errors';

export const DEMO_EMAIL = 'demo@clearmark.dev';
export const DEMO_PASSWORD = 'clearmark demo account';

/**
 * With SEED_DEMO_DATA (on in development only; refused in production), makes sure a demo
 * account exists, so `npm start` can be tried at once from /docs.
 */
@Injectable()
export class DemoAccountSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoAccountSeeder.name);

  constructor(
    private readonly config: AppConfigService,
    private readonly users: UsersService,
    private readonly transactions: TransactionRunner,
    private readonly migrations: MigrationService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemoData) return;
    if ((await this.migrations.pending()).length > 0) {
      this.logger.warn('Demo account not created: the database has pending migrations');
      return;
    }
    try {
      await this.transactions.run((t) => this.users.register({ email: DEMO_EMAIL, password: DEMO_PASSWORD, name: 'Demo User' }, t));
      this.logger.log(`Demo account created: ${DEMO_EMAIL} / "${DEMO_PASSWORD}" (SEED_DEMO_DATA)`);
    } catch (error) {
      if (!(error instanceof EmailTakenProblem)) throw error;
      this.logger.log(`Demo account: ${DEMO_EMAIL} / "${DEMO_PASSWORD}" (SEED_DEMO_DATA)`);
    }
  }
}
