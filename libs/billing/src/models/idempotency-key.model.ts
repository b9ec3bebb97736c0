import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A client's Idempotency-Key on a billing route: its request's hash and, once done, the response. */
@Table({ tableName: 'idempotency_keys', underscored: true, timestamps: false, indexes: [{ name: 'idempotency_keys_created_at_idx', fields: ['created_at'] }] })
export class IdempotencyKey extends Model {
  @Column({ type: DataType.UUID, primaryKey: true }) declare userId: string;
  @Column({ type: DataType.TEXT, primaryKey: true }) declare key: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare requestHash: string;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'in_progress' }) declare status: 'in_progress' | 'completed';
  @Column({ type: DataType.INTEGER, allowNull: true }) declare responseStatus: number | null;
  @Column({ type: DataType.JSONB, allowNull: true }) declare responseBody: unknown;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: true }) declare completedAt: Date | null;
  /** The request that holds the key while it runs, and its heartbeat: a lock gone stale may be taken over by a retry. */
  @Column({ type: DataType.UUID, allowNull: true }) declare lockId: string | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare lockedAt: Date | null;
  /** What the request committed so far (`subscription:<id>`, `payment:<id>`): a retry that takes the lock over resumes from it. */
  @Column({ type: DataType.TEXT, allowNull: true }) declare recoveryPoint: string | null;
}
