import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from './app-config';
import { ConfigValidationError } from './environment';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('applies development defaults', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.http.bodyLimitBytes).toBe(1024 * 1024);
    expect(config.database.connection).toBeUndefined();
    expect(config.database.pool).toEqual({ max: 20, min: 5, acquireMs: 60_000, idleMs: 10_000 });
    expect(config.database.statementTimeoutMs).toBe(1_000);
    expect(config.database.idleInTransactionTimeoutMs).toBe(10_000);
    expect(config.database.migrateOnStart).toBe(true);
    expect(config.observability.logPretty).toBe(true);
  });

  it('defaults NODE_ENV to development', () => {
    expect(loadConfig({}).env).toBe('development');
  });

  it('applies production defaults (pool 50, no migration on start)', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://app:pw@db.internal:5432/clearmark',
      DATABASE_SSL: 'true',
      JWT_SECRET: 'x'.repeat(32),
    });
    expect(config.database.pool.max).toBe(50);
    expect(config.auth.bcryptCost).toBe(12);
    expect(config.auth.ephemeralSecret).toBe(false);
    expect(config.database.migrateOnStart).toBe(false);
    expect(config.database.connection?.tls).toEqual({ rejectUnauthorized: true, ca: undefined });
    expect(config.observability.logPretty).toBe(false);
  });

  it('parses DATABASE_URL, including encoded credentials', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://us%40er:p%2Fss@db:6543/main' });
    expect(config.database.connection).toMatchObject({ host: 'db', port: 6543, user: 'us@er', password: 'p/ss', database: 'main' });
  });

  it('falls back to the PG* variables', () => {
    const config = loadConfig({ PGHOST: 'pg', PGUSER: 'app', PGDATABASE: 'clear', PGPORT: '5433' });
    expect(config.database.connection).toMatchObject({ host: 'pg', port: 5433, user: 'app', database: 'clear' });
  });

  it('lets every pool and timeout setting be overridden', () => {
    const config = loadConfig({
      DB_POOL_MAX: '7',
      DB_POOL_MIN: '2',
      DB_POOL_ACQUIRE_TIMEOUT_MS: '1000',
      DB_POOL_IDLE_TIMEOUT_MS: '2000',
      DB_STATEMENT_TIMEOUT_MS: '300',
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '400',
      MIGRATE_ON_START: 'false',
    });
    expect(config.database.pool).toEqual({ max: 7, min: 2, acquireMs: 1000, idleMs: 2000 });
    expect(config.database.statementTimeoutMs).toBe(300);
    expect(config.database.idleInTransactionTimeoutMs).toBe(400);
    expect(config.database.migrateOnStart).toBe(false);
  });

  it('names an invalid NODE_ENV', () => {
    expect(problemsOf({ NODE_ENV: 'staging' }).join('\n')).toMatch(/^NODE_ENV="staging"/);
  });

  it('names every invalid variable at once', () => {
    const problems = problemsOf({ PORT: 'eighty', DB_POOL_MAX: '0', LOG_LEVEL: 'loud', MIGRATE_ON_START: 'maybe' });
    const named = problems.map((p) => p.split('=')[0]).sort();
    expect(named).toEqual(['DB_POOL_MAX', 'LOG_LEVEL', 'MIGRATE_ON_START', 'PORT']);
  });

  it('never echoes a secret while naming it', () => {
    const problems = problemsOf({ METRICS_TOKEN: 'short' });
    expect(problems.join('\n')).toMatch(/METRICS_TOKEN=\(hidden\)/);
    expect(problems.join('\n')).not.toContain('short"');
  });

  it('refuses a malformed DATABASE_URL without printing it', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:topsecret@db/x' });
    expect(problems.join('\n')).toMatch(/DATABASE_URL: scheme must be postgres/);
    expect(problems.join('\n')).not.toContain('topsecret');
  });

  it('refuses production without TLS to the database', () => {
    const problems = problemsOf({ NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/clearmark' });
    expect(problems.join('\n')).toMatch(/^DATABASE_SSL: production requires TLS/m);
  });

  it('refuses production without certificate verification', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://app@db/clearmark',
      DATABASE_SSL: 'true',
      DATABASE_SSL_REJECT_UNAUTHORIZED: 'false',
    });
    expect(problems.join('\n')).toMatch(/DATABASE_SSL_REJECT_UNAUTHORIZED=false/);
  });

  it('refuses production without a database (no embedded server there)', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).join('\n')).toMatch(/^DATABASE_URL: required in production/m);
  });

  it('reads the CA file and fails naming it when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearmark-ca-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://app@db/clearmark',
      DATABASE_SSL: 'true',
      DATABASE_SSL_CA_FILE: ca,
      JWT_SECRET: 'x'.repeat(32),
    });
    expect(config.database.connection?.tls?.ca).toContain('BEGIN CERTIFICATE');
    expect(problemsOf({ DATABASE_URL: 'postgres://app@db/x', DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: join(dir, 'missing.pem') }).join('\n')).toMatch(
      /^DATABASE_SSL_CA_FILE=.*cannot be read/m,
    );
  });

  it('refuses TRUST_PROXY=true and accepts a list of proxies', () => {
    expect(problemsOf({ TRUST_PROXY: 'true' }).join('\n')).toMatch(/^TRUST_PROXY=true/);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).http.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(loadConfig({}).http.trustProxy).toBe(false);
  });

  it('refuses CORS origins that are not origins', () => {
    expect(problemsOf({ CORS_ORIGINS: 'https://app.example.com/path' }).join('\n')).toMatch(/^CORS_ORIGINS/);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com,http://localhost:5173' }).http.corsOrigins).toHaveLength(2);
  });

  it('refuses a pool minimum above its maximum', () => {
    expect(problemsOf({ DB_POOL_MAX: '3', DB_POOL_MIN: '4' }).join('\n')).toMatch(/^DB_POOL_MIN=4/);
  });

  it('requires a JWT secret of at least 32 bytes, and one in production', () => {
    expect(problemsOf({ JWT_SECRET: 'too-short' }).join('\n')).toMatch(/^JWT_SECRET=\(hidden\): must be at least 32 bytes/m);
    expect(problemsOf({ JWT_SECRET: 'too-short' }).join('\n')).not.toContain('too-short');
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/x', DATABASE_SSL: 'true' };
    expect(problemsOf(production).join('\n')).toMatch(/^JWT_SECRET: required in production/m);
    const dev = loadConfig({});
    expect(dev.auth.ephemeralSecret).toBe(true);
    expect(Buffer.byteLength(dev.auth.jwt.secret)).toBeGreaterThanOrEqual(32);
    expect(problemsOf({ JWT_ALGORITHM: 'none' }).join('\n')).toMatch(/^JWT_ALGORITHM="none"/);
  });

  it('applies identity defaults', () => {
    const { auth } = loadConfig({ NODE_ENV: 'test' });
    expect(auth.jwt.accessTtlS).toBe(900);
    expect(auth.refresh).toEqual({ idleTtlS: 7 * 86_400, absoluteTtlS: 30 * 86_400, retentionDays: 30, reuseGraceMs: 10_000 });
    expect(auth.bcryptCost).toBe(4);
    expect(auth.lockout).toEqual({ threshold: 5, maxMinutes: 60 });
  });

  it('seeds demo data in development only, and never in production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).seedDemoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).seedDemoData).toBe(false);
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/x', DATABASE_SSL: 'true', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production).seedDemoData).toBe(false);
    expect(problemsOf({ ...production, SEED_DEMO_DATA: 'true' }).join('\n')).toMatch(/^SEED_DEMO_DATA=true/m);
  });

  it('applies the request-log defaults and refuses a buffer smaller than a batch', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).auditing.apiLog).toEqual({ flushIntervalMs: 1_000, batchSize: 500, bufferMax: 10_000, retentionDays: 90, enabled: true });
    expect(problemsOf({ API_LOG_BATCH_SIZE: '600', API_LOG_BUFFER_MAX: '100' })).toEqual([
      'API_LOG_BUFFER_MAX=100: must be at least API_LOG_BATCH_SIZE (600)',
    ]);
    expect(problemsOf({ API_LOG_BATCH_SIZE: '6000', API_LOG_FLUSH_INTERVAL_MS: '0' }).map((p) => p.split('=')[0]).sort()).toEqual([
      'API_LOG_BATCH_SIZE',
      'API_LOG_FLUSH_INTERVAL_MS',
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).http.port).toBe(3000);
  });

  it('leaves SCHEDULER_ENABLED to each process when unset, and reads the job schedules (UTC cron, "off")', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.jobs).toEqual({
      schedulerEnabled: undefined,
      schedules: { sessionPurge: '17 * * * *', apiLogPartitions: '7 0 * * *', backup: '0 2 * * *', backupDrill: '0 4 * * 0', trademarkWatches: '37 * * * *' },
    });
    const custom = loadConfig({ SCHEDULER_ENABLED: 'false', JOB_SESSION_PURGE_CRON: '*/1 * * * * *', JOB_BACKUP_CRON: 'off', JOB_BACKUP_DRILL_CRON: ' OFF ' });
    expect(custom.jobs.schedulerEnabled).toBe(false);
    expect(custom.jobs.schedules).toMatchObject({ sessionPurge: '*/1 * * * * *', backup: null, backupDrill: null });
  });

  it('refuses an invalid cron expression, naming the variable', () => {
    expect(problemsOf({ SCHEDULER_ENABLED: 'maybe' }).map((p) => p.split('=')[0])).toEqual(['SCHEDULER_ENABLED']);
    expect(problemsOf({ JOB_BACKUP_CRON: '0 2 * * * * *', JOB_SESSION_PURGE_CRON: 'hourly' }).map((p) => p.split('=')[0]).sort()).toEqual([
      'JOB_BACKUP_CRON',
      'JOB_SESSION_PURGE_CRON',
    ]);
  });

  it("serves the worker's metrics on 9464 unless told otherwise (0 = not served)", () => {
    expect(loadConfig({}).observability.workerMetricsPort).toBe(9464);
    expect(loadConfig({ WORKER_METRICS_PORT: '0' }).observability.workerMetricsPort).toBe(0);
  });

  it('applies the backup defaults and refuses a retention that keeps nothing', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.backups).toEqual({
      dir: resolve('.data/backups'),
      pgDumpPath: undefined,
      keep: { daily: 7, weekly: 4, monthly: 12 },
      staleAfterHours: 26,
    });
    expect(loadConfig({ BACKUP_DIR: '/var/backups/clearmark', PG_DUMP_PATH: '/usr/lib/postgresql/15/bin/pg_dump', BACKUP_KEEP_WEEKLY: '0' }).backups).toMatchObject({
      dir: '/var/backups/clearmark',
      pgDumpPath: '/usr/lib/postgresql/15/bin/pg_dump',
      keep: { daily: 7, weekly: 0, monthly: 12 },
    });
    expect(problemsOf({ BACKUP_KEEP_DAILY: '0', BACKUP_KEEP_MONTHLY: '-1' }).map((p) => p.split('=')[0]).sort()).toEqual(['BACKUP_KEEP_DAILY', 'BACKUP_KEEP_MONTHLY']);
  });
});
