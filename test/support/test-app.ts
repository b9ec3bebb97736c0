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
    // Readiness's heap check measures the process, and here that is a Jest worker hosting the test
    // runner and every app a file starts (after other files' apps): its heap passes the 1 GB
    // default on a long run, which says nothing about one app. Specs that test the limit set it.
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
