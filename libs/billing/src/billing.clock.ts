/** The time billing runs on; injected so that specs drive periods, numbering years and proration. */
export abstract class BillingClock {
  abstract now(): Date;
}

export class SystemBillingClock extends BillingClock {
  now(): Date {
    return new Date();
  }
}
