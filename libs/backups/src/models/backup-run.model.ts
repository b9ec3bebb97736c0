import { fn, Op } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';
import type { BackupKind, BackupStatusValue } from '../backups.types';

/** One backup (a pg_dump file) or one restore drill of a backup. */
@Table({
  tableName: 'backup_runs',
  underscored: true,
  timestamps: false,
  indexes: [
    { name: 'backup_runs_started_at_id_idx', fields: [{ name: 'started_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    { name: 'backup_runs_kind_status_started_at_idx', fields: ['kind', 'status', { name: 'started_at', order: 'DESC' }] },
    { name: 'backup_runs_backup_id_idx', fields: ['backup_id'], where: { backup_id: { [Op.ne]: null } } },
  ],
})
export class BackupRun extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare kind: BackupKind;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'running' }) declare status: BackupStatusValue;
  @Column({ type: DataType.DATE, allowNull: false, defaultValue: fn('now') }) declare startedAt: Date;
  @Column({ type: DataType.DATE, allowNull: true }) declare finishedAt: Date | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare file: string | null;
  @Column({ type: DataType.BIGINT, allowNull: true }) declare sizeBytes: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare sha256: string | null;
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: false }) declare verified: boolean;
  @Column({ type: DataType.TEXT, allowNull: true }) declare verifyError: string | null;
  @Column({ type: DataType.INTEGER, allowNull: true }) declare restoreMs: number | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare error: string | null;
  @Column({ type: DataType.JSONB, allowNull: true }) declare details: Record<string, unknown> | null;
  @Column({ type: DataType.UUID, allowNull: true }) declare backupId: string | null;
}
