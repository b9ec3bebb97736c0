import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { decodeCursor, loggableError, toPage, type Page, InFlightWork } from '@app/common';
import { AppConfigService, InjectConfig, parseDatabaseUrl } from '@app/config';
import { AdvisoryLockService } from '@app/database';
import { BACKUPS_CONFIG, type BackupsConfig } from './backups.config';
import { BackupStatusReporter, type BackupStatus } from '@app/observability';
import { BackupDatabaseRepository, type ExportedSnapshot } from './backup-database.repository';
import { backupFileName, BackupFilesRepository } from './backup-files.repository';
import { planRetention } from './backup-retention.util';
import { BackupRunsRepository } from './backup-runs.repository';
import { BackupAlreadyRunningError, BackupError, BackupNotFoundError, RestoreRefusedError } from './backups.errors';
import { BACKUP_DURATION, BACKUP_FAILURES, BACKUP_LAST_SUCCESS, BACKUP_SIZE } from './backups.metrics';
import type { BackupDetails, BackupKind, BackupRunRecord, RestoreComparison, RestoreResult, TableCounts } from './backups.types';
import { describeConnection, libpqEnvironment, type PgVersion } from './pg-client-tools.util';
import { PgToolError, PgToolsRepository } from './pg-tools.repository';

const MAX_ERROR_LENGTH = 2_000;
/**
 * A run (and its temporary file) this old that is still `running` belongs to a process that died:
 * retention marks it failed (and removes the file). No backup of this database takes a day.
 */
const STALE_RUN_MS = 24 * 3_600_000;
/** After the drain period, how long an aborted dump or restore gets to record its failure. */
const ABORT_GRACE_MS = 2_000;

/**
 * Held (a PostgreSQL session advisory lock) for the whole of every backup, on every instance:
 * one backup at a time in the deployment. It goes with its connection, so a process that dies
 * mid-backup frees it, and any backup row still `running` while it is free is an orphan.
 */
const BACKUP_LOCK = 'backups:backup';
/** How long a scheduled or CLI backup waits for a running one to finish before failing. */
const BACKUP_LOCK_WAIT_MS = 30 * 60_000;

/** PostgreSQL's undefined_table: backup_runs does not exist yet. */
const UNDEFINED_TABLE = '42P01';


function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/** Compares a backup's recorded row counts with those of a restored copy. */
export function compareCounts(expected: TableCounts, actual: Record<string, number | null>): RestoreComparison {
  const tables: RestoreComparison['tables'] = {};
  const mismatches: string[] = [];
  for (const [table, count] of Object.entries(expected)) {
    const restored = actual[table] ?? null;
    tables[table] = { expected: count, actual: restored };
    if (restored === null) mismatches.push(`${table}: ${count} rows in the backup, table missing after the restore`);
    else if (restored !== count) mismatches.push(`${table}: ${count} rows in the backup, ${restored} restored`);
  }
  return { tables, mismatches };
}

interface Tools {
  pgDump: string;
  pgRestore: string;
  dumpVersion: PgVersion;
}

/**
 * Database backups: pg_dump (custom format) of the app's database into BACKUP_DIR, written under
 * a temporary name and renamed when complete, with its SHA-256, size and the row counts of the
 * main tables recorded in backup_runs, then checked with `pg_restore --list`. Also restore
 * drills (restore the newest good backup into a scratch database and compare row counts),
 * retention, operator restores, and the backup part of readiness.
 */
@Injectable()
export class BackupsService extends BackupStatusReporter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BackupsService.name);
  private readonly inFlight = new InFlightWork();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly runs: BackupRunsRepository,
    private readonly tools: PgToolsRepository,
    private readonly files: BackupFilesRepository,
    private readonly database: BackupDatabaseRepository,
    private readonly locks: AdvisoryLockService,
    private readonly config: AppConfigService,
    @InjectConfig(BACKUPS_CONFIG) private readonly settings: BackupsConfig,
    @InjectMetric(BACKUP_LAST_SUCCESS) private readonly lastSuccess: Gauge<string>,
    @InjectMetric(BACKUP_DURATION) private readonly duration: Histogram<string>,
    @InjectMetric(BACKUP_SIZE) private readonly size: Gauge<string>,
    @InjectMetric(BACKUP_FAILURES) private readonly failures: Counter<string>,
  ) {
    super();
  }

  /** Exposes both failure series at 0 from the start, and the gauges from the newest good backup. */
  async onApplicationBootstrap(): Promise<void> {
    for (const kind of ['backup', 'drill'] satisfies BackupKind[]) this.failures.inc({ kind }, 0);
    try {
      const latest = await this.runs.latestSuccess();
      if (latest) this.recordSuccessGauges(latest);
    } catch (error) {
      // Only the gauges wait for the first backup then; a schema not yet migrated (the cli's
      // `migrate up` on a new database) is no news at all.
      if ((error as { parent?: { code?: string } }).parent?.code !== UNDEFINED_TABLE) {
        this.logger.warn(`Could not read the newest backup at start: ${message(error)}`);
      }
    }
  }

  /**
   * Lets running backups and drills finish for half the shutdown grace period, then stops their
   * pg_dump / pg_restore so that each records its failure before the pool closes.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const drainMs = Math.max(1_000, Math.floor(this.config.http.shutdownGraceMs / 2));
    if (await this.inFlight.settled(drainMs)) return;
    this.shutdown.abort(new Error('the instance is shutting down'));
    await this.inFlight.settled(ABORT_GRACE_MS);
  }

  /**
   * Starts a backup and answers at once with its running row; the work goes on in the
   * background. BackupAlreadyRunningError (409) while another backup runs anywhere: of
   * simultaneous requests exactly one starts.
   */
  async start(): Promise<BackupRunRecord> {
    let opened!: (run: BackupRunRecord) => void;
    const running = new Promise<BackupRunRecord>((resolve) => (opened = resolve));
    const locked = this.locks.withLock(BACKUP_LOCK, async () => {
      const run = await this.openBackupRun();
      opened(run);
      return this.performBackup(run);
    });
    void this.inFlight.track(locked).catch((error: unknown) => this.logger.error({ err: loggableError(error) }, 'A backup could not start'));
    return Promise.race([
      running,
      locked.then((outcome) => {
        if (!outcome.acquired) throw new BackupAlreadyRunningError();
        return running;
      }),
    ]);
  }

  /**
   * Makes a backup and answers with its finished row; a failed backup is a row with status
   * failure, not a throw. Waits (up to 30 minutes) for a backup already running to finish first.
   */
  async createBackup(signal?: AbortSignal): Promise<BackupRunRecord> {
    const outcome = await this.locks.withLock(BACKUP_LOCK, async () => this.inFlight.track(this.performBackup(await this.openBackupRun(), signal)), {
      waitMs: BACKUP_LOCK_WAIT_MS,
      pollMs: 1_000,
    });
    if (!outcome.acquired) throw new BackupError('Another backup has been running for 30 minutes; try again when it has finished');
    return outcome.result;
  }

  /** With BACKUP_LOCK held: backup rows still `running` belong to a process that died; then the new run's row. */
  private async openBackupRun(): Promise<BackupRunRecord> {
    const orphans = await this.runs.failRunning('backup', 'interrupted: the process running it stopped before recording an outcome');
    if (orphans > 0) this.logger.warn({ orphans }, 'Backups left running by a stopped process were marked failed');
    return this.runs.create('backup');
  }

  /**
   * Restores the newest verified backup into a scratch database, compares the row counts with
   * those recorded at backup time, drops the scratch database and records the result with the
   * restore time. A failed drill is a row with status failure, not a throw.
   */
  async drill(signal?: AbortSignal): Promise<BackupRunRecord> {
    const source = await this.runs.latestVerified();
    const run = await this.runs.create('drill', source ? { backupId: source.id, file: source.file } : undefined);
    return this.inFlight.track(this.performDrill(run, source, signal));
  }

  /**
   * Applies retention (BACKUP_KEEP_DAILY / _WEEKLY / _MONTHLY, and never a backup younger than
   * 24 hours) to the successful backups: deletes each one it does not keep, file first and then row. Failed backups and drills older
   * than the oldest kept backup go too, and temporary files of dumps that never finished.
   */
  async prune(): Promise<{ deleted: BackupRunRecord[]; kept: number }> {
    const staleBefore = new Date(Date.now() - STALE_RUN_MS);
    await this.runs.failStale(staleBefore, 'interrupted: the process running it stopped before recording an outcome');
    const backups = await this.runs.successfulBackups();
    const plan = planRetention(backups, this.settings.keep, new Date());
    const byId = new Map(backups.map((b) => [b.id, b]));
    const deleted: BackupRunRecord[] = [];
    for (const id of plan.delete) {
      const backup = byId.get(id);
      if (!backup) continue;
      try {
        if (backup.file) await this.files.remove(this.pathOf(backup.file));
        await this.runs.delete(id);
        deleted.push(backup);
      } catch (error) {
        this.logger.warn({ err: loggableError(error), backupId: id }, 'Could not delete an expired backup; retention tries again next time');
      }
    }
    const kept = backups.filter((b) => plan.keep.has(b.id));
    const oldestKept = kept.reduce<Date | null>((oldest, b) => (!oldest || b.startedAt < oldest ? b.startedAt : oldest), null);
    if (oldestKept) await this.runs.deleteHistoryBefore(oldestKept);
    const stale = await this.files.removeStalePartials(this.settings.dir, staleBefore);
    if (deleted.length > 0 || stale.length > 0) {
      this.logger.log({ deleted: deleted.map((b) => b.file), kept: kept.length, stalePartials: stale }, 'Backup retention applied');
    }
    return { deleted, kept: kept.length };
  }

  async list(query: { limit?: number; cursor?: string; kind?: BackupKind }): Promise<Page<BackupRunRecord>> {
    const limit = query.limit ?? 20;
    const rows = await this.runs.list(limit + 1, decodeCursor(query.cursor), query.kind);
    const page = toPage(rows, limit, (row) => row.position);
    return { data: page.data.map((row) => row.record), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<BackupRunRecord> {
    const run = await this.runs.findById(id);
    if (!run) throw new BackupNotFoundError(id);
    return run;
  }

  /**
   * Restores a recorded backup file into the database at `targetUrl` (`backup:restore`). Refuses
   * a file that no successful backup_runs row names or whose SHA-256 differs from the recorded
   * one, and a target that already has tables unless `force` (which then empties the target's
   * public schema first). Answers with the row counts compared with those at backup time.
   */
  async restore(options: { file: string; targetUrl: string; force: boolean; signal?: AbortSignal }): Promise<RestoreResult> {
    const problems: string[] = [];
    const target = parseDatabaseUrl(options.targetUrl, problems, '--target-url');
    if (!target || problems.length > 0) throw new RestoreRefusedError(problems.join('; '));
    const sslMode = new URL(options.targetUrl).searchParams.get('sslmode') ?? undefined;

    const path = await this.findFile(options.file);
    const backup = await this.runs.findSuccessfulByFile(basename(path));
    if (!backup || !backup.sha256) {
      throw new RestoreRefusedError(`${basename(path)} is not a recorded backup: no successful backup_runs row names it`);
    }
    const sha256 = await this.files.sha256(path);
    if (sha256 !== backup.sha256) {
      throw new RestoreRefusedError(`${path}: SHA-256 is ${sha256}, backup_runs recorded ${backup.sha256}; the file is damaged or is not that backup`);
    }
    const existing = await this.database.userTableCount(target);
    if (existing > 0 && !options.force) {
      throw new RestoreRefusedError(
        `${describeConnection(target)} is not empty (${existing} tables); restore into an empty database, or pass --force to drop everything in its public schema first`,
      );
    }
    const tools = await this.requireTools(await this.database.serverVersion(target));
    const started = Date.now();
    if (existing > 0) await this.database.resetPublicSchema(target);
    await this.tools.restore({
      binary: tools.pgRestore,
      env: libpqEnvironment(target, { applicationName: 'clearmark-restore', sslMode }),
      file: path,
      signal: options.signal,
    });
    const restoreMs = Date.now() - started;
    const expected = (backup.details as BackupDetails | null)?.tables ?? {};
    const comparison = compareCounts(expected, await this.database.countRows(target, Object.keys(expected)));
    this.logger.log({ file: basename(path), target: describeConnection(target), restoreMs, mismatches: comparison.mismatches }, 'Backup restored');
    return { file: path, target: describeConnection(target), restoreMs, replaced: existing > 0, ...comparison };
  }

  /** Readiness: degraded when the last backup failed or the newest good one is stale or missing. */
  override async backupStatus(): Promise<BackupStatus> {
    const { latestFinished, latestSuccess } = await this.runs.summary();
    const lastSuccessAt = latestSuccess?.startedAt.toISOString() ?? null;
    const lastFailureAt = latestFinished?.status === 'failure' ? latestFinished.startedAt.toISOString() : null;
    if (this.settings.schedules.backup === null) return { state: 'not-scheduled', lastSuccessAt, lastFailureAt };
    // The reason stays generic: readiness is unauthenticated, and a pg_dump error names hosts
    // and roles. The full error is in GET /v1/admin/backups and in the logs.
    if (lastFailureAt) return { state: 'degraded', reason: 'the last backup failed (see GET /v1/admin/backups)', lastSuccessAt, lastFailureAt };
    if (!latestSuccess) return { state: 'degraded', reason: 'no successful backup yet', lastSuccessAt, lastFailureAt };
    const ageHours = (Date.now() - latestSuccess.startedAt.getTime()) / 3_600_000;
    const { staleAfterHours } = this.settings;
    if (ageHours > staleAfterHours) {
      return { state: 'degraded', reason: `the newest good backup is ${Math.floor(ageHours)} h old (BACKUP_STALE_AFTER_HOURS=${staleAfterHours})`, lastSuccessAt, lastFailureAt };
    }
    return { state: 'ok', lastSuccessAt, lastFailureAt };
  }

  private async performBackup(run: BackupRunRecord, signal?: AbortSignal): Promise<BackupRunRecord> {
    const started = process.hrtime.bigint();
    const file = backupFileName(run.startedAt, run.id);
    const final = this.pathOf(file);
    const partial = this.files.partialPath(final);
    const stop = this.stopSignal(signal);
    let snapshot: ExportedSnapshot | undefined;
    let published = false;
    let verifyError: string | null = null;
    try {
      const server = await this.database.serverVersion();
      const tools = await this.requireTools(server);
      await this.files.ensureDirectory(this.settings.dir);
      snapshot = await this.database.exportSnapshot(this.database.tables());
      await this.tools.dump({
        binary: tools.pgDump,
        env: libpqEnvironment(this.database.connection, { applicationName: 'clearmark-backup' }),
        file: partial,
        snapshot: snapshot.id,
        signal: stop,
      });
      const counts = snapshot.counts;
      await snapshot.release();
      await this.files.publish(partial, final);
      published = true;
      const sizeBytes = await this.files.size(final);
      const sha256 = await this.files.sha256(final);
      await this.files.writeChecksum(final, sha256);
      verifyError = await this.verify(tools.pgRestore, final, Object.keys(counts), stop);
      const details: BackupDetails = { tables: counts, pgDumpVersion: tools.dumpVersion.text, serverVersion: server.text };
      if (verifyError) {
        throw new BackupError(`the dump was written but pg_restore --list rejects it: ${verifyError}`);
      }
      const done = await this.runs.finish(run.id, { status: 'success', file, sizeBytes, sha256, verified: true, details: { ...details } });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.duration.observe(seconds);
      this.recordSuccessGauges(done);
      this.logger.log({ backupId: run.id, file, sizeBytes, seconds: Math.round(seconds * 10) / 10 }, 'Backup created and verified');
      return done;
    } catch (error) {
      this.failures.inc({ kind: 'backup' });
      this.logFailure('Backup failed', error, { backupId: run.id });
      await this.files.remove(partial).catch(() => undefined);
      if (published) await this.files.remove(final).catch(() => undefined);
      return this.recordFailure(run, { error: message(error), verifyError: verifyError ?? undefined });
    } finally {
      await snapshot?.release();
    }
  }

  private async performDrill(run: BackupRunRecord, source: BackupRunRecord | null, signal?: AbortSignal): Promise<BackupRunRecord> {
    const stop = this.stopSignal(signal);
    let scratch: string | undefined;
    try {
      if (!source?.file || !source.sha256) throw new BackupError('there is no verified backup to restore yet');
      const expected = (source.details as BackupDetails | null)?.tables;
      if (!expected) throw new BackupError(`backup ${source.id} has no recorded row counts to compare with`);
      const path = this.pathOf(source.file);
      if (!(await this.files.exists(path))) {
        throw new BackupError(
          `${source.file} (backup ${source.id}) is not in ${this.settings.dir} on this instance: BACKUP_DIR must be one volume shared by every instance that runs jobs`,
        );
      }
      const sha256 = await this.files.sha256(path);
      if (sha256 !== source.sha256) throw new BackupError(`${source.file} has changed since it was written: SHA-256 ${sha256}, recorded ${source.sha256}`);
      const tools = await this.requireTools(await this.database.serverVersion());
      scratch = await this.database.createScratchDatabase();
      const started = Date.now();
      await this.tools.restore({
        binary: tools.pgRestore,
        env: libpqEnvironment(this.database.connection, { database: scratch, applicationName: 'clearmark-drill' }),
        file: path,
        signal: stop,
      });
      const restoreMs = Date.now() - started;
      const comparison = compareCounts(expected, await this.database.countRows({ ...this.database.connection, database: scratch }, Object.keys(expected)));
      if (comparison.mismatches.length > 0) {
        this.failures.inc({ kind: 'drill' });
        this.logger.error({ drillId: run.id, backupId: source.id, mismatches: comparison.mismatches }, 'Backup drill: row counts differ');
        return await this.runs.finish(run.id, { status: 'failure', restoreMs, details: { ...comparison }, error: `row counts differ: ${comparison.mismatches.join('; ')}` });
      }
      this.logger.log({ drillId: run.id, backupId: source.id, restoreMs }, 'Backup drill passed');
      return await this.runs.finish(run.id, { status: 'success', restoreMs, details: { ...comparison } });
    } catch (error) {
      this.failures.inc({ kind: 'drill' });
      this.logFailure('Backup drill failed', error, { drillId: run.id });
      return this.recordFailure(run, { error: message(error) });
    } finally {
      if (scratch) {
        await this.database.dropScratchDatabase(scratch).catch((error: unknown) => {
          this.logger.error({ err: loggableError(error), database: scratch }, 'Could not drop the drill database; drop it by hand');
        });
      }
    }
  }

  /**
   * Finds pg_dump (PG_DUMP_PATH or the PATH) and pg_restore beside it and checks that pg_dump is
   * at least as new as the server: an older pg_dump refuses a newer server, and says so less
   * helpfully than this does.
   */
  private async requireTools(server: PgVersion): Promise<Tools> {
    const configured = this.settings.pgDumpPath;
    const install = `install postgresql-client-${server.major} (or newer) or set PG_DUMP_PATH to its pg_dump`;
    const located = await this.tools.locate(configured);
    if (!located.pgDump) throw new BackupError(`pg_dump not found (searched ${located.searched}): ${install}`);
    if (!located.pgRestore) throw new BackupError(`pg_restore not found next to ${located.pgDump}: ${install}`);
    const dumpVersion = await this.tools.version(located.pgDump);
    if (dumpVersion.major < server.major) {
      throw new BackupError(`${located.pgDump} is version ${dumpVersion.text}, older than the server (PostgreSQL ${server.text}): ${install}`);
    }
    return { pgDump: located.pgDump, pgRestore: located.pgRestore, dumpVersion };
  }

  /** pg_restore --list must read the archive and find every counted table in it; the error, or null. */
  private async verify(pgRestore: string, path: string, tables: string[], signal: AbortSignal): Promise<string | null> {
    let contents: string;
    try {
      contents = await this.tools.listContents(pgRestore, path, signal);
    } catch (error) {
      return message(error);
    }
    const missing = tables.filter((table) => !new RegExp(`^\\d+; \\d+ \\d+ TABLE public ${table} `, 'm').test(contents));
    return missing.length > 0 ? `tables missing from the archive: ${missing.join(', ')}` : null;
  }

  private async recordFailure(run: BackupRunRecord, failure: { error: string; verifyError?: string }): Promise<BackupRunRecord> {
    try {
      return await this.runs.finish(run.id, { status: 'failure', error: failure.error, verified: false, verifyError: failure.verifyError });
    } catch (error) {
      // The database itself may be what failed; the row stays "running" and the error is in the log.
      this.logger.error({ err: loggableError(error), runId: run.id }, 'Could not record the failure');
      return { ...run, status: 'failure', error: failure.error, finishedAt: new Date() };
    }
  }

  /** An expected failure (a missing pg_dump, a failed tool) is its message; anything else keeps its stack. */
  private logFailure(what: string, error: unknown, context: Record<string, unknown>): void {
    const expected = error instanceof BackupError || error instanceof PgToolError;
    this.logger.error(expected ? context : { ...context, err: loggableError(error) }, `${what}: ${message(error)}`);
  }

  private recordSuccessGauges(run: BackupRunRecord): void {
    this.lastSuccess.set(run.startedAt.getTime() / 1000);
    if (run.sizeBytes !== null) this.size.set(run.sizeBytes);
  }

  private pathOf(file: string): string {
    return join(this.settings.dir, file);
  }

  /** The file as given, or else by its name in BACKUP_DIR. */
  private async findFile(file: string): Promise<string> {
    const given = isAbsolute(file) ? file : resolve(file);
    if (await this.files.exists(given)) return given;
    const inBackupDir = this.pathOf(basename(file));
    if (await this.files.exists(inBackupDir)) return inBackupDir;
    throw new RestoreRefusedError(`${file}: no such file (also looked in ${this.settings.dir})`);
  }

  private stopSignal(signal?: AbortSignal): AbortSignal {
    return signal ? AbortSignal.any([signal, this.shutdown.signal]) : this.shutdown.signal;
  }


}
