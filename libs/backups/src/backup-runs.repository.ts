import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import type { KeysetPosition } from '@app/common';
import type { BackupKind, BackupRunRecord, BackupStatusValue } from './backups.types';

interface BackupRunRow {
  id: string;
  kind: BackupKind;
  status: BackupStatusValue;
  started_at: Date;
  finished_at: Date | null;
  file: string | null;
  size_bytes: string | null;
  sha256: string | null;
  verified: boolean;
  verify_error: string | null;
  restore_ms: number | null;
  error: string | null;
  details: Record<string, unknown> | null;
  backup_id: string | null;
  cursor_started_at?: string;
}

const COLUMNS = 'id, kind, status, started_at, finished_at, file, size_bytes, sha256, verified, verify_error, restore_ms, error, details, backup_id';
/** The keyset position's time as the database's own text, to the microsecond (see KeysetPosition). */
const CURSOR = `to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_started_at`;

function toRecord(row: BackupRunRow): BackupRunRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    file: row.file,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    sha256: row.sha256,
    verified: row.verified,
    verifyError: row.verify_error,
    restoreMs: row.restore_ms,
    error: row.error,
    details: row.details,
    backupId: row.backup_id,
  };
}

export interface FinishedRun {
  status: Exclude<BackupStatusValue, 'running'>;
  file?: string | null;
  sizeBytes?: number | null;
  sha256?: string | null;
  verified?: boolean;
  verifyError?: string | null;
  restoreMs?: number | null;
  error?: string | null;
  details?: Record<string, unknown> | null;
}

/** The backup_runs table: the only place that talks to it. */
@Injectable()
export class BackupRunsRepository {
  constructor(@InjectConnection() private readonly sequelize: Sequelize) {}

  async create(kind: BackupKind, source?: { backupId: string; file: string | null }): Promise<BackupRunRecord> {
    const [row] = await this.sequelize.query<BackupRunRow>(
      `INSERT INTO backup_runs (kind, backup_id, file) VALUES (:kind, :backupId, :file) RETURNING ${COLUMNS}`,
      { type: QueryTypes.SELECT, replacements: { kind, backupId: source?.backupId ?? null, file: source?.file ?? null } },
    );
    return toRecord(row);
  }

  /** Records a run's end; fields left undefined keep their value. */
  async finish(id: string, result: FinishedRun): Promise<BackupRunRecord> {
    const sets = ['status = :status', 'finished_at = now()'];
    const replacements: Record<string, unknown> = { id, status: result.status };
    const columns: Array<[keyof FinishedRun, string]> = [
      ['file', 'file'],
      ['sizeBytes', 'size_bytes'],
      ['sha256', 'sha256'],
      ['verified', 'verified'],
      ['verifyError', 'verify_error'],
      ['restoreMs', 'restore_ms'],
      ['error', 'error'],
    ];
    for (const [key, column] of columns) {
      if (result[key] === undefined) continue;
      sets.push(`${column} = :${key}`);
      replacements[key] = result[key];
    }
    if (result.details !== undefined) {
      sets.push('details = CAST(:details AS jsonb)');
      replacements.details = result.details === null ? null : JSON.stringify(result.details);
    }
    const [row] = await this.sequelize.query<BackupRunRow>(`UPDATE backup_runs SET ${sets.join(', ')} WHERE id = :id RETURNING ${COLUMNS}`, {
      type: QueryTypes.SELECT,
      replacements,
    });
    if (!row) throw new Error(`backup_runs row ${id} has disappeared`);
    return toRecord(row);
  }

  async findById(id: string): Promise<BackupRunRecord | null> {
    const [row] = await this.sequelize.query<BackupRunRow>(`SELECT ${COLUMNS} FROM backup_runs WHERE id = :id`, {
      type: QueryTypes.SELECT,
      replacements: { id },
    });
    return row ? toRecord(row) : null;
  }

  /** The successful backup stored under this file name, if any. */
  async findSuccessfulByFile(file: string): Promise<BackupRunRecord | null> {
    const [row] = await this.sequelize.query<BackupRunRow>(
      `SELECT ${COLUMNS} FROM backup_runs WHERE kind = 'backup' AND status = 'success' AND file = :file ORDER BY started_at DESC LIMIT 1`,
      { type: QueryTypes.SELECT, replacements: { file } },
    );
    return row ? toRecord(row) : null;
  }

  /** The newest successful, verified backup: what a drill restores. */
  async latestVerified(): Promise<BackupRunRecord | null> {
    const [row] = await this.sequelize.query<BackupRunRow>(
      `SELECT ${COLUMNS} FROM backup_runs WHERE kind = 'backup' AND status = 'success' AND verified ORDER BY started_at DESC LIMIT 1`,
      { type: QueryTypes.SELECT },
    );
    return row ? toRecord(row) : null;
  }

  /** The newest finished backup, and the newest successful one (for readiness and the gauges). */
  async summary(): Promise<{ latestFinished: BackupRunRecord | null; latestSuccess: BackupRunRecord | null }> {
    const [finished] = await this.sequelize.query<BackupRunRow>(
      `SELECT ${COLUMNS} FROM backup_runs WHERE kind = 'backup' AND status IN ('success', 'failure') ORDER BY started_at DESC LIMIT 1`,
      { type: QueryTypes.SELECT },
    );
    if (!finished || finished.status === 'success') return { latestFinished: finished ? toRecord(finished) : null, latestSuccess: finished ? toRecord(finished) : null };
    const success = await this.latestSuccess();
    return { latestFinished: toRecord(finished), latestSuccess: success };
  }

  async latestSuccess(): Promise<BackupRunRecord | null> {
    const [row] = await this.sequelize.query<BackupRunRow>(
      `SELECT ${COLUMNS} FROM backup_runs WHERE kind = 'backup' AND status = 'success' ORDER BY started_at DESC LIMIT 1`,
      { type: QueryTypes.SELECT },
    );
    return row ? toRecord(row) : null;
  }

  /** Every successful backup (retention's input); a few dozen rows at most once retention runs. */
  async successfulBackups(): Promise<BackupRunRecord[]> {
    const rows = await this.sequelize.query<BackupRunRow>(
      `SELECT ${COLUMNS} FROM backup_runs WHERE kind = 'backup' AND status = 'success' ORDER BY started_at DESC`,
      { type: QueryTypes.SELECT },
    );
    return rows.map(toRecord);
  }

  async delete(id: string): Promise<void> {
    await this.sequelize.query('DELETE FROM backup_runs WHERE id = :id', { replacements: { id } });
  }

  /** Marks failed every run of this kind still `running` (the caller knows none is alive); returns how many. */
  async failRunning(kind: BackupKind, error: string): Promise<number> {
    const rows = await this.sequelize.query<{ id: string }>(
      `UPDATE backup_runs SET status = 'failure', finished_at = now(), error = :error WHERE kind = :kind AND status = 'running' RETURNING id`,
      { type: QueryTypes.SELECT, replacements: { kind, error } },
    );
    return rows.length;
  }

  /** Marks failed the runs still `running` that started before `before`: their process died mid-run. */
  async failStale(before: Date, error: string): Promise<number> {
    const rows = await this.sequelize.query<{ id: string }>(
      `UPDATE backup_runs SET status = 'failure', finished_at = now(), error = :error WHERE status = 'running' AND started_at < :before RETURNING id`,
      { type: QueryTypes.SELECT, replacements: { before: before.toISOString(), error } },
    );
    return rows.length;
  }

  /** Deletes the history (failed backups, drills) that started before `before`; returns how many rows went. */
  async deleteHistoryBefore(before: Date): Promise<number> {
    const rows = await this.sequelize.query<{ id: string }>(
      `DELETE FROM backup_runs WHERE (kind = 'drill' OR status = 'failure') AND started_at < :before RETURNING id`,
      { type: QueryTypes.SELECT, replacements: { before: before.toISOString() } },
    );
    return rows.length;
  }

  /** Runs newest first, in pages keyed on (started_at, id). */
  async list(limit: number, after?: KeysetPosition, kind?: BackupKind): Promise<Array<{ record: BackupRunRecord; position: KeysetPosition }>> {
    const conditions: string[] = [];
    if (kind) conditions.push('kind = :kind');
    if (after) conditions.push('(started_at, id) < (CAST(:afterStartedAt AS timestamptz), CAST(:afterId AS uuid))');
    const rows = await this.sequelize.query<BackupRunRow>(
      `SELECT ${COLUMNS}, ${CURSOR} FROM backup_runs ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY started_at DESC, id DESC LIMIT :limit`,
      { type: QueryTypes.SELECT, replacements: { limit, kind: kind ?? null, afterStartedAt: after?.createdAt ?? null, afterId: after?.id ?? null } },
    );
    return rows.map((row) => ({ record: toRecord(row), position: { createdAt: row.cursor_started_at as string, id: row.id } }));
  }
}
