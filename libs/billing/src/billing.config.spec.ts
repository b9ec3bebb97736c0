import { ConfigValidationError, loadConfig, sliceOf } from '@app/config';
import { BILLING_CONFIG } from './billing.config';

const load = (env: NodeJS.ProcessEnv) => sliceOf(loadConfig({ NODE_ENV: 'test', ...env }, [BILLING_CONFIG]), BILLING_CONFIG);

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('billing configuration', () => {
  it('uses the sandbox, with a per-process webhook secret, when STRIPE_SECRET_KEY is unset', () => {
    const a = load({});
    expect(a.provider).toMatchObject({ name: 'sandbox', stripe: null });
    expect(a.provider.sandboxWebhookSecret).toMatch(/^whsec_.{20,}/);
    expect(load({}).provider.sandboxWebhookSecret).not.toBe(a.provider.sandboxWebhookSecret);
    expect(load({ BILLING_SANDBOX_WEBHOOK_SECRET: 'whsec_fixed' }).provider.sandboxWebhookSecret).toBe('whsec_fixed');
    expect(a.retriesExhausted).toBe('unpaid');
  });

  it('turns stripe on with a key and its webhook secret, at another API origin if told', () => {
    const c = load({ STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_API_URL: 'http://127.0.0.1:12111' });
    expect(c.provider).toMatchObject({ name: 'stripe', stripe: { secretKey: 'sk_test_abc123', webhookSecret: 'whsec_x', api: { host: '127.0.0.1', port: 12111, protocol: 'http' } } });
    expect(load({ STRIPE_SECRET_KEY: 'rk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).provider.stripe?.api).toBeNull();
  });

  it('names each bad variable and never echoes a secret', () => {
    expect(problemsOf({ BILLING_RETRIES_EXHAUSTED: 'deleted' }).join('\n')).toMatch(/^BILLING_RETRIES_EXHAUSTED=/m);
    const problems = problemsOf({ STRIPE_SECRET_KEY: 'pk_test_public', STRIPE_API_URL: 'ftp://x/y' });
    const text = problems.join('\n');
    expect(text).toMatch(/^STRIPE_SECRET_KEY=\(hidden\): must be a Stripe secret/m);
    expect(text).toMatch(/^STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY/m);
    expect(text).toMatch(/^STRIPE_API_URL=/m);
    expect(text).not.toContain('pk_test_public');
    expect(problemsOf({ STRIPE_WEBHOOK_SECRET: 'whsec_orphan' }).join('\n')).toMatch(/^STRIPE_WEBHOOK_SECRET=\(hidden\): set without STRIPE_SECRET_KEY/m);
  });

  describe('in production', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/clearmark', DATABASE_SSL: 'true', JWT_SECRET: 'x'.repeat(32) };

    it('refuses to boot on the sandbox without STRIPE_SECRET_KEY unless BILLING_PROVIDER=sandbox says so', () => {
      const problems = problemsOf(production);
      expect(problems).toEqual([expect.stringMatching(/^STRIPE_SECRET_KEY: required in production .*BILLING_PROVIDER=sandbox/)]);
      expect(load({ ...production, BILLING_PROVIDER: 'sandbox' }).provider).toMatchObject({ name: 'sandbox', stripe: null });
      expect(load({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).provider.name).toBe('stripe');
      expect(load({ ...production, BILLING_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).provider.name).toBe('stripe');
    });

    it('names a BILLING_PROVIDER that contradicts the keys, in any environment', () => {
      expect(problemsOf({ BILLING_PROVIDER: 'stripe' }).join('\n')).toMatch(/^BILLING_PROVIDER=stripe: requires STRIPE_SECRET_KEY/m);
      expect(problemsOf({ BILLING_PROVIDER: 'sandbox', STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).join('\n')).toMatch(/^BILLING_PROVIDER=sandbox: STRIPE_SECRET_KEY is set too/m);
      expect(problemsOf({ BILLING_PROVIDER: 'paypal' }).join('\n')).toMatch(/^BILLING_PROVIDER=/m);
      // Outside production the sandbox stays the default.
      expect(load({ NODE_ENV: 'development' }).provider.name).toBe('sandbox');
    });
  });
});
