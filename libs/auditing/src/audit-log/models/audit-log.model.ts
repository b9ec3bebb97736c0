import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** One audit event. Rows are append-only and hash-chained by database triggers (see the migration). */
@Table({
  tableName: 'audit_logs',
  underscored: true,
  timestamps: true,
  updatedAt: false,
  indexes: [
    { name: 'audit_logs_seq_key', unique: true, fields: ['seq'] },
    { name: 'audit_logs_actor_id_seq_idx', fields: ['actor_id', { name: 'seq', order: 'DESC' }] },
    { name: 'audit_logs_entity_seq_idx', fields: ['entity_type', 'entity_id', { name: 'seq', order: 'DESC' }] },
    { name: 'audit_logs_action_seq_idx', fields: ['action', { name: 'seq', order: 'DESC' }] },
    { name: 'audit_logs_created_at_idx', fields: ['created_at'] },
    { name: 'audit_logs_changes_gin_idx', using: 'gin', fields: ['changes'] },
  ],
})
export class AuditLog extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  /** Chain order; drawn by the insert trigger under the chain lock. */
  @Column({ type: DataType.BIGINT, allowNull: false }) declare seq: string;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.UUID, allowNull: true }) declare actorId: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare actorRole: string | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare action: string;
  @Column({ type: DataType.TEXT, allowNull: true }) declare entityType: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare entityId: string | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare outcome: 'success' | 'failure';
  @Column({ type: DataType.TEXT, allowNull: true }) declare problemType: string | null;
  @Column({ type: DataType.JSONB, allowNull: true }) declare before: unknown;
  @Column({ type: DataType.JSONB, allowNull: true }) declare after: unknown;
  @Column({ type: DataType.JSONB, allowNull: true }) declare changes: Record<string, { from: unknown; to: unknown }> | null;
  @Column({ type: DataType.JSONB, allowNull: false, defaultValue: {} }) declare metadata: Record<string, unknown>;
  @Column({ type: DataType.TEXT, allowNull: true }) declare ip: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare userAgent: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare requestId: string | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare prevHash: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare hash: string;
}
