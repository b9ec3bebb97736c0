import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConfig } from '@app/config';
import { JobsService } from '@app/jobs';
import { BILLING_CONFIG, type BillingConfig } from './billing.config';
import { IdempotencyKeysRepository } from './idempotency/idempotency-keys.repository';
import { IDEMPOTENCY_KEY_TTL_MS } from './idempotency/idempotency.interceptor';
import { SubscriptionRenewalsService } from './subscription-renewals.service';

/** Billing's scheduled jobs; thin: each calls one service or repository method. */
@Injectable()
export class BillingJobs implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
    private readonly renewals: SubscriptionRenewalsService,
    @InjectConfig(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'billing-renewals',
      schedule: this.config.renewalsSchedule,
      description: 'Renew subscriptions whose period ended, retry failed payments (1, 3, 5 days), expire incomplete ones, reconcile pending payments and waiting webhook events',
      run: async () => {
        const run = await this.renewals.run();
        return Object.values(run).some((n) => n > 0) ? { details: { ...run } } : { outcome: 'skipped', details: { ...run } };
      },
    });
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
