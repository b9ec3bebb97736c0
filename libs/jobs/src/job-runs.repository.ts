import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import type { JobOutcome, JobRunRecord, JobTrigger } from './jobs.types';

interface JobRunRow {
  id: string;
  job: string;
  tick: Date;
  instance: string;
  trigger: JobTrigger;
  started_at: Date;
  finished_at: Date | null;
  outcome: JobOutcome;
  error: string | null;
  details: Record<string, unknown> | null;
}

const RETURNING = 'id, job, tick, instance, trigger, started_at, finished_at, outcome, error, details';

function toRecord(row: JobRunRow): JobRunRecord {
  return {
    id: row.id,
    job: row.job,
    tick: row.tick,
    instance: row.instance,
    trigger: row.trigger,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    error: row.error,
    details: row.details,
  };
}

/**
 * The advisory-lock key of a job's tick. The same text is built in SQL by `sweepAbandoned`
 * (epoch milliseconds, so that both sides format the time identically).
 */
export function jobLockKey(job: string, tick: Date): string {
  return `job:${job}:${tick.getTime()}`;
}

/** The job_runs table: the only place that talks to it. */
@Injectable()
export class JobRunsRepository {
  // Plain SQL: ON CONFLICT ... RETURNING and the lock-probing UPDATE have no model-API spelling.
  constructor(@InjectConnection() private readonly sequelize: Sequelize) {}

  /**
   * Inserts the tick's run as `running`, or returns null when the tick already has a row: some
   * instance has run (or is running) it. This insert, not the lock, is what makes a tick run
   * once: the lock only keeps instances from racing while the first one works.
   */
  async claim(run: { job: string; tick: Date; instance: string; trigger: JobTrigger }): Promise<JobRunRecord | null> {
    const rows = await this.sequelize.query<JobRunRow>(
      `INSERT INTO job_runs (job, tick, instance, trigger) VALUES (:job, :tick, :instance, :trigger)
       ON CONFLICT (job, tick) DO NOTHING
       RETURNING ${RETURNING}`,
      { type: QueryTypes.SELECT, replacements: { ...run, tick: run.tick.toISOString() } },
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Records the outcome of a run (whatever a sweep may have concluded meanwhile: this is the truth). */
  async finish(id: string, result: { outcome: Exclude<JobOutcome, 'running' | 'abandoned'>; error: string | null; details: Record<string, unknown> | null }): Promise<JobRunRecord> {
    const rows = await this.sequelize.query<JobRunRow>(
      `UPDATE job_runs SET outcome = :outcome, error = :error, details = CAST(:details AS jsonb), finished_at = now()
        WHERE id = :id
       RETURNING ${RETURNING}`,
      {
        type: QueryTypes.SELECT,
        replacements: { id, outcome: result.outcome, error: result.error, details: result.details === null ? null : JSON.stringify(result.details) },
      },
    );
    if (!rows[0]) throw new Error(`job_runs row ${id} has disappeared`);
    return toRecord(rows[0]);
  }

  /**
   * Marks `abandoned` every running row whose tick lock nobody holds: its instance died (or lost
   * its connection, which ends the session and the lock) before recording an outcome. A live
   * run holds its lock from before its row is inserted until after its outcome is recorded, so
   * a running row without a lock holder cannot belong to a live run.
   */
  async markAbandoned(reason: string): Promise<JobRunRecord[]> {
    const rows = await this.sequelize.query<JobRunRow>(
      `UPDATE job_runs SET outcome = 'abandoned', finished_at = now(), error = :reason
        WHERE outcome = 'running'
          AND pg_try_advisory_xact_lock(hashtextextended('job:' || job || ':' || (extract(epoch FROM tick) * 1000)::bigint, 0))
       RETURNING ${RETURNING}`,
      { type: QueryTypes.SELECT, replacements: { reason } },
    );
    return rows.map(toRecord);
  }

  /** When each of these jobs last succeeded (jobs that never did are absent). */
  async lastSuccesses(jobs: string[]): Promise<Map<string, Date>> {
    if (jobs.length === 0) return new Map();
    const rows = await this.sequelize.query<{ job: string; finished_at: Date }>(
      `SELECT job, max(finished_at) AS finished_at FROM job_runs
        WHERE outcome = 'success' AND job IN (:jobs) GROUP BY job`,
      { type: QueryTypes.SELECT, replacements: { jobs } },
    );
    return new Map(rows.map((r) => [r.job, r.finished_at]));
  }

  /** The newest run of each job that has run at least once. */
  async latestPerJob(): Promise<JobRunRecord[]> {
    const rows = await this.sequelize.query<JobRunRow>(
      `SELECT DISTINCT ON (job) ${RETURNING} FROM job_runs ORDER BY job, tick DESC`,
      { type: QueryTypes.SELECT },
    );
    return rows.map(toRecord);
  }
}
