import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { JobsService } from '@app/jobs';
import { BILLING_CONFIG, type BillingConfig } from './billing.config';
import { IdempotencyKeysRepository } from './idempotency/idempotency-keys.repository';
import { IDEMPOTENCY_KEY_TTL_MS } from './idempotency/idempotency.interceptor';

/** Billing's scheduled jobs; thin: each calls one service or repository method. */
@Injectable()
export class BillingJobs implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
    @InjectConfig(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'billing-idempotency-keys-expiry',
      schedule: this.config.idempotencyExpirySchedule,
      description: 'Delete Idempotency-Keys of billing requests older than 24 hours',
      run: async ({ tick }) => {
        const deleted = await this.idempotencyKeys.deleteOlderThan(new Date(tick.getTime() - IDEMPOTENCY_KEY_TTL_MS));
        return deleted > 0 ? { details: { deleted } } : { outcome: 'skipped', details: { deleted } };
      },
    });
  }
}
