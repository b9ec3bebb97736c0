import type StripePackage from 'stripe';

let loaded: typeof StripePackage | undefined;

/**
 * The stripe package, loaded on first use: it is large (about 270 modules) and most processes
 * never need it (no STRIPE_SECRET_KEY, no webhook, no sandbox charge). Every e2e spec boots the
 * app, and requiring it at import time grew each Jest worker's heap until the readiness heap
 * check of a late spec failed.
 */
export function stripePackage(): typeof StripePackage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('stripe') as typeof StripePackage;
  return loaded;
}
