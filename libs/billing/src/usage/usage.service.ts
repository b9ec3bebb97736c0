import { Injectable } from '@nestjs/common';
import { SearchQuota } from '@app/common';
import { InjectConfig } from '@app/config';
import type { DbTransaction } from '@app/database';
import { BillingClock } from '../billing.clock';
import { BILLING_CONFIG, type BillingConfig } from '../billing.config';
import { SearchQuotaExceededError } from '../billing.errors';
import { BillingService } from '../billing.service';
import type { PlanRecord } from '../billing.types';
import { addMonths } from '../billing-period.util';
import { isLive } from '../subscription-state';
import { SubscriptionsRepository } from '../subscriptions.repository';
import { SearchUsageRepository } from './search-usage.repository';

export const FREE_PLAN = 'free';

export interface Usage {
  plan: PlanRecord;
  periodStart: Date;
  periodEnd: Date;
  searches: { used: number; quota: number };
}

/**
 * Search quota: the plan of the user's live subscription (trialing, active, past_due) over its
 * current period, else the free plan over the calendar month (UTC). Implements the SearchQuota
 * port the trademark search calls inside its transaction. With BILLING_SEARCH_QUOTA_ENFORCED
 * false searches are counted but never refused.
 */
@Injectable()
export class UsageService extends SearchQuota {
  constructor(
    private readonly usage: SearchUsageRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly billing: BillingService,
    private readonly clock: BillingClock,
    @InjectConfig(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {
    super();
  }

  async consume(userId: string, transaction: DbTransaction): Promise<void> {
    const period = await this.period(userId);
    const limit = this.config.searchQuotaEnforced ? period.plan.searchQuota : null;
    if (limit === 0 || (await this.usage.increment(userId, period.periodStart, limit, transaction)) === null) {
      throw new SearchQuotaExceededError(period.plan, period.periodEnd);
    }
  }

  async current(userId: string): Promise<Usage> {
    const period = await this.period(userId);
    return { ...period, searches: { used: await this.usage.used(userId, period.periodStart), quota: period.plan.searchQuota } };
  }

  private async period(userId: string): Promise<Omit<Usage, 'searches'>> {
    const subscription = await this.subscriptions.findOpenForUser(userId);
    if (subscription && isLive(subscription.status)) {
      const plan = await this.billing.findPlan(subscription.planCode);
      if (plan) return { plan, periodStart: subscription.currentPeriodStart, periodEnd: subscription.currentPeriodEnd };
    }
    const plan = await this.billing.findPlan(FREE_PLAN);
    if (!plan) throw new Error('the free plan is missing from plans');
    const now = this.clock.now();
    const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    return { plan, periodStart, periodEnd: addMonths(periodStart, 1) };
  }
}
