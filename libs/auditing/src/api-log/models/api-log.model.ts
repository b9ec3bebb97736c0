import { fn, Op } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

/**
 * One HTTP request as the request log keeps it. The table is range-partitioned by month on
 * created_at (see the migration); the partitions are tables of their own, not models.
 */
@Table({
  tableName: 'api_logs',
  underscored: true,
  timestamps: false,
  indexes: [
    { name: 'api_logs_created_at_id_idx', fields: [{ name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    {
      name: 'api_logs_user_id_created_at_idx',
      fields: ['user_id', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }],
      where: { user_id: { [Op.ne]: null } },
    },
    { name: 'api_logs_status_created_at_idx', fields: ['status', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    { name: 'api_logs_route_created_at_idx', fields: ['route', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    { name: 'api_logs_method_created_at_idx', fields: ['method', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
  ],
})
export class ApiLog extends Model {
  // (id, created_at) is the key: a partitioned table's primary key must contain its partition key.
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  /** When the request was received. */
  @Column({ type: DataType.DATE, primaryKey: true }) declare createdAt: Date;
  @Column({ type: DataType.TEXT, allowNull: false }) declare requestId: string;
  @Column({ type: DataType.UUID, allowNull: true }) declare userId: string | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare method: string;
  /** The matched route template (`/v1/users/:id`); null when no route matched. */
  @Column({ type: DataType.TEXT, allowNull: true }) declare route: string | null;
  /** The path and query as requested, with secret query values and path parameters redacted. */
  @Column({ type: DataType.TEXT, allowNull: false }) declare path: string;
  @Column({ type: DataType.SMALLINT, allowNull: false }) declare status: number;
  @Column({ type: DataType.DOUBLE, allowNull: false }) declare durationMs: number;
  @Column({ type: DataType.BIGINT, allowNull: true }) declare responseBytes: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare ip: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare userAgent: string | null;
}
