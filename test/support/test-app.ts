import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { CONFIG_SLICES } from '../../apps/composition/src';
import { configureHttpApp, createFastifyAdapter, HTTP_APP_OPTIONS } from '@app/common';
import { loadConfig } from '@app/config';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export interface TestAppOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  /** Extra modules (test-only routes) mounted next to the real ones. */
  imports?: Array<Type<unknown> | DynamicModule>;
}

/** Boots the real API (same modules, same HTTP setup as main.ts) on a random local port. */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseUrl,
    LOG_LEVEL: 'silent',
    DB_POOL_MIN: '0',
    DB_POOL_MAX: '5',
    DB_CONNECT_ATTEMPTS: '3',
    DB_CONNECT_BASE_DELAY_MS: '50',
    // Specs search far more than a free plan's 10 a month: counted, not refused, unless a spec turns it on.
    BILLING_SEARCH_QUOTA_ENFORCED: 'false',
    // A Jest worker hosts the apps of many spec files in one process (the Nice model, WordNet,
    // sharp...), so late in a full run its heap passes the production default of 1024 MB and
    // readiness would fail for a reason no spec is about.
    HEALTH_HEAP_LIMIT_MB: '8192',
    ...options.env,
  };
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register({ env }), ...(options.imports ?? [])],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(loadConfig(env, CONFIG_SLICES)), HTTP_APP_OPTIONS);
  await configureHttpApp(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  let closed = false;
  return {
    app,
    url,
    env,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
