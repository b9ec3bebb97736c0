import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsBoolean, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { loadConfig, sliceOf } from './app-config';
import { defineConfigSlice, EnvBool, EnvInt } from './config-slice';
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

  it('MIGRATION_DATABASE_URL: another role on the same database, or nothing', () => {
    const two = loadConfig({ DATABASE_URL: 'postgres://app:pw@db:5432/clearmark', MIGRATION_DATABASE_URL: 'postgres://owner:s3cret@db:5432/clearmark' });
    expect(two.database.migrationConnection).toMatchObject({ user: 'owner', password: 's3cret', host: 'db', database: 'clearmark' });
    expect(two.database.connection?.user).toBe('app');
    const same = loadConfig({ DATABASE_URL: 'postgres://app:pw@db/clearmark', MIGRATION_DATABASE_URL: 'postgres://app:pw@db/clearmark' });
    expect(same.database.migrationConnection).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db/clearmark' }).database.migrationConnection).toBeUndefined();
    const other = problemsOf({ DATABASE_URL: 'postgres://app@db/clearmark', MIGRATION_DATABASE_URL: 'postgres://owner:topsecret@elsewhere/clearmark' }).join('\n');
    expect(other).toMatch(/^MIGRATION_DATABASE_URL: must name the same host, port and database/m);
    expect(other).not.toContain('topsecret');
    expect(problemsOf({ MIGRATION_DATABASE_URL: 'postgres://owner@db/clearmark' }).join('\n')).toMatch(/^MIGRATION_DATABASE_URL: needs DATABASE_URL/m);
  });

  it('DATABASE_READ_URLS: replicas of the same database, with the primary\'s TLS settings; none by default', () => {
    const none = loadConfig({ DATABASE_URL: 'postgres://app:pw@db:5432/clearmark' }).database.readReplicas;
    expect(none).toEqual({ connections: [], maxLagS: 30, probeIntervalMs: 2_000 });
    const two = loadConfig({
      DATABASE_URL: 'postgres://app:pw@db:5432/clearmark',
      DATABASE_READ_URLS: ' postgres://app:pw@replica-1:5432/clearmark , postgresql://app:pw@replica-2:6432/clearmark,',
      DATABASE_SSL: 'true',
      DB_REPLICA_MAX_LAG_S: '5',
      DB_REPLICA_PROBE_INTERVAL_MS: '500',
    }).database.readReplicas;
    expect(two.connections).toEqual([
      expect.objectContaining({ host: 'replica-1', port: 5432, user: 'app', password: 'pw', database: 'clearmark', tls: expect.objectContaining({ rejectUnauthorized: true }) }),
      expect.objectContaining({ host: 'replica-2', port: 6432, database: 'clearmark' }),
    ]);
    expect(two).toMatchObject({ maxLagS: 5, probeIntervalMs: 500 });
  });

  it('DATABASE_READ_URLS: refuses what cannot be a replica of DATABASE_URL, without printing a password', () => {
    const problems = problemsOf({
      DATABASE_URL: 'postgres://app:pw@db:5432/clearmark',
      DATABASE_READ_URLS: 'mysql://app:topsecret@r1/clearmark,postgres://app:topsecret@r2/other,postgres://app:topsecret@db:5432/clearmark,postgres://app@r3/clearmark,postgres://app@r3:5432/clearmark',
    }).join('\n');
    expect(problems).toMatch(/^DATABASE_READ_URLS \(entry 1\): scheme must be postgres/m);
    expect(problems).toMatch(/^DATABASE_READ_URLS \(entry 2\): must name the database of DATABASE_URL/m);
    expect(problems).toMatch(/^DATABASE_READ_URLS \(entry 3\): names the primary's host and port/m);
    expect(problems).toMatch(/^DATABASE_READ_URLS \(entry 5\): lists r3:5432 twice/m);
    expect(problems).not.toContain('topsecret');
    expect(problemsOf({ DATABASE_READ_URLS: 'postgres://app@r1/clearmark' }).join('\n')).toMatch(/^DATABASE_READ_URLS: needs DATABASE_URL/m);
    expect(problemsOf({ DATABASE_URL: 'postgres://app@db/clearmark', DB_REPLICA_MAX_LAG_S: '0' }).join('\n')).toMatch(/^DB_REPLICA_MAX_LAG_S=0: /m);
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

  it('seeds demo data in development only, and never in production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).seedDemoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).seedDemoData).toBe(false);
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/x', DATABASE_SSL: 'true', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production).seedDemoData).toBe(false);
    expect(problemsOf({ ...production, SEED_DEMO_DATA: 'true' }).join('\n')).toMatch(/^SEED_DEMO_DATA=true/m);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).http.port).toBe(3000);
  });

  it("serves the worker's metrics on 9464 unless told otherwise (0 = not served)", () => {
    expect(loadConfig({}).observability.workerMetricsPort).toBe(9464);
    expect(loadConfig({ WORKER_METRICS_PORT: '0' }).observability.workerMetricsPort).toBe(0);
  });


  it('validates every slice with the core and names every bad variable of every slice in one error, secrets hidden', () => {
    class AVariables {
      @IsOptional() @EnvInt() @IsInt() @Min(1) A_COUNT?: number;
      @IsOptional() @IsString() A_TOKEN?: string;
    }
    class BVariables {
      @IsOptional() @EnvBool() @IsBoolean() B_ENABLED?: boolean;
    }
    const a = defineConfigSlice({
      name: 'a',
      variables: AVariables,
      secrets: ['A_TOKEN'],
      load: (env, { problems }) => {
        if (env.A_TOKEN === 'weak') problems.push('A_TOKEN=(hidden): too weak');
        return { count: env.A_COUNT ?? 3 };
      },
    });
    const b = defineConfigSlice({ name: 'b', variables: BVariables, load: (env) => ({ enabled: env.B_ENABLED ?? false }) });
    const loaded = loadConfig({ A_COUNT: '7', B_ENABLED: 'yes' }, [a, b]);
    expect(sliceOf(loaded, a)).toEqual({ count: 7 });
    expect(sliceOf(loaded, b)).toEqual({ enabled: true });

    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', A_COUNT: 'zero', A_TOKEN: 'weak', B_ENABLED: 'maybe', METRICS_TOKEN: 'short' }, [a, b]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems;
    expect(problems.map((p) => p.split('=')[0]).sort()).toEqual(['A_COUNT', 'B_ENABLED', 'METRICS_TOKEN', 'PORT']);
    expect((error as ConfigValidationError).message).not.toContain('short"');
    // A loader's own problems join the same message when its variables are valid.
    const weak = (() => {
      try {
        loadConfig({ PORT: 'eighty', A_TOKEN: 'weak' }, [a, b]);
      } catch (e) {
        return (e as ConfigValidationError).problems;
      }
      return [];
    })();
    expect(weak.map((p) => p.split('=')[0])).toEqual(['PORT', 'A_TOKEN']);
    expect(weak).toContain('A_TOKEN=(hidden): too weak');
  });

  it('refuses two slices that declare the same variable', () => {
    class One {
      @IsOptional() @IsString() SHARED?: string;
    }
    class Two {
      @IsOptional() @IsString() SHARED?: string;
    }
    const one = defineConfigSlice({ name: 'one', variables: One, load: () => 1 });
    const two = defineConfigSlice({ name: 'two', variables: Two, load: () => 2 });
    expect(() => loadConfig({}, [one, two])).toThrow(/SHARED is declared by two config slices/);
  });
});
