import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { AUDITING_CONFIG } from '@app/auditing';
import { BACKUPS_CONFIG } from '@app/backups';
import { ConfigValidationError, loadConfig, sliceOf } from '@app/config';
import { JOBS_CONFIG } from '@app/jobs';
import { SESSIONS_CONFIG } from '@app/sessions';
import { TRADEMARKS_CONFIG } from '@app/trademarks';
import { USERS_CONFIG } from '@app/users';
import { CONFIG_SLICES } from './index';

const load = (env: NodeJS.ProcessEnv) => loadConfig(env, CONFIG_SLICES);
const AUDIT_KEY = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

const names = (problems: string[]) => problems.map((p) => p.split(/[=:]/)[0]).sort();

/** The feature slices as the apps load them: one validation, one message for all. */
describe('CONFIG_SLICES', () => {
  it('loads with no variable set', () => {
    expect(() => load({ NODE_ENV: 'test' })).not.toThrow();
  });

  it('names every invalid variable of every slice in one message', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DB_POOL_MAX: '0',
      LOG_LEVEL: 'loud',
      JWT_ALGORITHM: 'none',
      BCRYPT_COST: '99',
      API_LOG_BATCH_SIZE: '6000',
      BACKUP_KEEP_DAILY: '0',
      SCHEDULER_ENABLED: 'maybe',
      JOB_TRADEMARK_WATCHES_CRON: 'hourly',
      SMTP_URL: 'http://mail',
    });
    expect(names(problems)).toEqual([
      'API_LOG_BATCH_SIZE',
      'BACKUP_KEEP_DAILY',
      'BCRYPT_COST',
      'DB_POOL_MAX',
      'JOB_TRADEMARK_WATCHES_CRON',
      'JWT_ALGORITHM',
      'LOG_LEVEL',
      'PORT',
      'SCHEDULER_ENABLED',
      'SMTP_URL',
    ]);
  });

  it('never echoes a secret of any slice', () => {
    const text = problemsOf({ JWT_SECRET: 'too-short', SMTP_URL: 'http://user:hunter2@mail', METRICS_TOKEN: 'short' }).join('\n');
    expect(text).toMatch(/^JWT_SECRET=\(hidden\): must be at least 32 bytes/m);
    expect(text).toMatch(/^SMTP_URL=\(hidden\)/m);
    expect(text).not.toContain('too-short');
    expect(text).not.toContain('hunter2');
  });

  it('requires a JWT secret in production, and makes one per process elsewhere', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/x', DATABASE_SSL: 'true', AUDIT_SIGNING_KEY: AUDIT_KEY, BILLING_PROVIDER: 'sandbox' };
    expect(problemsOf(production).join('\n')).toMatch(/^JWT_SECRET: required in production/m);
    const config = load({ ...production, JWT_SECRET: 'x'.repeat(32) });
    expect(sliceOf(config, SESSIONS_CONFIG).ephemeralSecret).toBe(false);
    expect(sliceOf(config, USERS_CONFIG).bcryptCost).toBe(12);
    const dev = sliceOf(load({}), SESSIONS_CONFIG);
    expect(dev.ephemeralSecret).toBe(true);
    expect(Buffer.byteLength(dev.jwt.secret)).toBeGreaterThanOrEqual(32);
  });

  it('requires an Ed25519 AUDIT_SIGNING_KEY in production, validated at boot and never echoed', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/x', DATABASE_SSL: 'true', JWT_SECRET: 'x'.repeat(32), BILLING_PROVIDER: 'sandbox' };
    expect(problemsOf(production).join('\n')).toMatch(/^AUDIT_SIGNING_KEY: required in production/m);
    const bad = problemsOf({ ...production, AUDIT_SIGNING_KEY: 'hunter2-not-a-key' }).join('\n');
    expect(bad).toMatch(/^AUDIT_SIGNING_KEY=\(hidden\): is not a PKCS#8 private key/m);
    expect(bad).not.toContain('hunter2');
    const checkpoints = sliceOf(load({ ...production, AUDIT_SIGNING_KEY: AUDIT_KEY }), AUDITING_CONFIG).checkpoints;
    expect(checkpoints.signingKey.kind).toBe('env');
    expect(sliceOf(load({}), AUDITING_CONFIG).checkpoints.signingKey).toEqual({ kind: 'file', path: resolve('.data/audit-digests/development-signing-key.pem') });
    expect(sliceOf(load({ NODE_ENV: 'test' }), AUDITING_CONFIG).checkpoints.signingKey).toEqual({ kind: 'ephemeral' });
  });

  it('applies identity defaults', () => {
    const config = load({ NODE_ENV: 'test' });
    const sessions = sliceOf(config, SESSIONS_CONFIG);
    expect(sessions.jwt.accessTtlS).toBe(900);
    expect(sessions.refresh).toEqual({ idleTtlS: 7 * 86_400, absoluteTtlS: 30 * 86_400, retentionDays: 30, reuseGraceMs: 10_000 });
    expect(sliceOf(config, USERS_CONFIG)).toEqual({ bcryptCost: 4, lockout: { threshold: 5, maxMinutes: 60 } });
    expect(config.http.authRateLimit).toEqual({ max: 20, ttlMs: 60_000 });
  });

  it('applies the request-log defaults and refuses a buffer smaller than a batch', () => {
    expect(sliceOf(load({ NODE_ENV: 'test' }), AUDITING_CONFIG).apiLog).toEqual({ flushIntervalMs: 1_000, batchSize: 500, bufferMax: 10_000, retentionDays: 90, enabled: true });
    expect(problemsOf({ API_LOG_BATCH_SIZE: '600', API_LOG_BUFFER_MAX: '100' })).toEqual(['API_LOG_BUFFER_MAX=100: must be at least API_LOG_BATCH_SIZE (600)']);
  });

  it('reads each job schedule in the lib that owns the job (UTC cron, "off")', () => {
    const config = load({ NODE_ENV: 'test' });
    expect(sliceOf(config, JOBS_CONFIG)).toEqual({ schedulerEnabled: undefined });
    expect(sliceOf(config, SESSIONS_CONFIG).purgeSchedule).toBe('17 * * * *');
    expect(sliceOf(config, AUDITING_CONFIG).partitionsSchedule).toBe('7 0 * * *');
    expect(sliceOf(config, TRADEMARKS_CONFIG)).toEqual({ watchesSchedule: '37 * * * *', reanalyzeSchedule: '*/5 * * * *', importWorkers: availableParallelism() });
    expect(sliceOf(load({ REGISTRY_IMPORT_WORKERS: '0' }), TRADEMARKS_CONFIG).importWorkers).toBe(0);
    expect(names(problemsOf({ REGISTRY_IMPORT_WORKERS: '-1' }))).toEqual(['REGISTRY_IMPORT_WORKERS']);
    expect(sliceOf(config, BACKUPS_CONFIG).schedules).toEqual({ backup: '0 2 * * *', backupDrill: '0 4 * * 0' });
    const custom = load({ SCHEDULER_ENABLED: 'false', JOB_SESSION_PURGE_CRON: '*/1 * * * * *', JOB_BACKUP_CRON: 'off', JOB_BACKUP_DRILL_CRON: ' OFF ' });
    expect(sliceOf(custom, JOBS_CONFIG).schedulerEnabled).toBe(false);
    expect(sliceOf(custom, SESSIONS_CONFIG).purgeSchedule).toBe('*/1 * * * * *');
    expect(sliceOf(custom, BACKUPS_CONFIG).schedules).toEqual({ backup: null, backupDrill: null });
    expect(sliceOf(load({ JOB_REGISTRY_REANALYZE_CRON: 'off' }), TRADEMARKS_CONFIG).reanalyzeSchedule).toBeNull();
    expect(sliceOf(load({ JOB_REGISTRY_REANALYZE_CRON: '*/2 * * * *' }), TRADEMARKS_CONFIG).reanalyzeSchedule).toBe('*/2 * * * *');
    expect(names(problemsOf({ JOB_BACKUP_CRON: '0 2 * * * * *', JOB_SESSION_PURGE_CRON: 'hourly', JOB_REGISTRY_REANALYZE_CRON: 'often' }))).toEqual([
      'JOB_BACKUP_CRON',
      'JOB_REGISTRY_REANALYZE_CRON',
      'JOB_SESSION_PURGE_CRON',
    ]);
  });

  it('applies the backup defaults and refuses a retention that keeps nothing', () => {
    expect(sliceOf(load({ NODE_ENV: 'test' }), BACKUPS_CONFIG)).toMatchObject({
      dir: resolve('.data/backups'),
      pgDumpPath: undefined,
      keep: { daily: 7, weekly: 4, monthly: 12 },
      staleAfterHours: 26,
    });
    expect(names(problemsOf({ BACKUP_KEEP_DAILY: '0', BACKUP_KEEP_MONTHLY: '-1' }))).toEqual(['BACKUP_KEEP_DAILY', 'BACKUP_KEEP_MONTHLY']);
  });
});
