import { fn } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';
import type { JobOutcome, JobTrigger } from '../jobs.types';

/** One run of a scheduled job for one tick; (job, tick) is unique across every instance. */
@Table({
  tableName: 'job_runs',
  underscored: true,
  timestamps: false,
  indexes: [{ name: 'job_runs_running_idx', fields: ['started_at'], where: { outcome: 'running' } }],
})
export class JobRun extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare job: string;
  /** The scheduled time this run stands for (second precision), or the request time of a manual run. */
  @Column({ type: DataType.DATE, allowNull: false }) declare tick: Date;
  @Column({ type: DataType.TEXT, allowNull: false }) declare instance: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare trigger: JobTrigger;
  @Column({ type: DataType.DATE, allowNull: false, defaultValue: fn('now') }) declare startedAt: Date;
  @Column({ type: DataType.DATE, allowNull: true }) declare finishedAt: Date | null;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'running' }) declare outcome: JobOutcome;
  @Column({ type: DataType.TEXT, allowNull: true }) declare error: string | null;
  @Column({ type: DataType.JSONB, allowNull: true }) declare details: Record<string, unknown> | null;
}
