import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Sequelize } from 'sequelize';
// Global setup runs outside Jest's module mapper: import by path, not by @app alias.
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../libs/database/src/embedded/embedded-postgres';
import { MigrationRunner } from '../../libs/database/src/migrations/migration-runner';
import { ADMIN_URL_VAR, REDIS_SKIP_VAR, REDIS_URL_VAR, TEMPLATE_DB_VAR } from './test-env';
import { provideRunRedis, type RunRedis } from './test-redis';

declare global {
  var __CLEARMARK_TEST_PG__: { server?: EmbeddedPostgresHandle; dir?: string; adminUrl: string; template: string } | undefined;
  var __CLEARMARK_TEST_REDIS__: RunRedis | undefined;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Starts the run's PostgreSQL (TEST_DATABASE_URL, or an embedded server in a temporary folder),
 * then creates and migrates a template database once for the whole run; and the run's Redis
 * (REDIS_URL, else a redis-server from the PATH, else none: the Redis specs skip and say why).
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let server: EmbeddedPostgresHandle | undefined;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = mkdtempSync(join(tmpdir(), 'clearmark-test-'));
    // mkdtemp makes it 0700; as root, the postgres user must be able to enter it.
    chmodSync(dir, 0o755);
    server = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), persistent: false, database: 'postgres' });
    adminUrl = server.url;
  }
  const template = `clearmark_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const sequelize = new Sequelize(withDatabase(adminUrl, template), { logging: false });
  try {
    await new MigrationRunner({ sequelize }).up();
  } finally {
    await sequelize.close();
  }

  globalThis.__CLEARMARK_TEST_PG__ = { server, dir, adminUrl, template };
  const redis = await provideRunRedis();
  globalThis.__CLEARMARK_TEST_REDIS__ = redis;
  if ('url' in redis) process.env[REDIS_URL_VAR] = redis.url;
  else process.env[REDIS_SKIP_VAR] = redis.skipReason;
  process.env[ADMIN_URL_VAR] = adminUrl;
  process.env[TEMPLATE_DB_VAR] = template;
}
