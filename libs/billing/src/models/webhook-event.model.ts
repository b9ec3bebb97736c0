import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A provider's webhook event, stored once under (provider, event id). */
@Table({
  tableName: 'billing_webhook_events',
  underscored: true,
  timestamps: false,
  indexes: [{ name: 'billing_webhook_events_unprocessed_idx', fields: ['received_at'], where: { processed_at: null } }],
})
export class WebhookEvent extends Model {
  @Column({ type: DataType.TEXT, primaryKey: true }) declare provider: string;
  @Column({ type: DataType.TEXT, primaryKey: true }) declare eventId: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare type: string;
  @Column({ type: DataType.JSONB, allowNull: false }) declare payload: Record<string, unknown>;
  @Column({ type: DataType.DATE, allowNull: false }) declare receivedAt: Date;
  @Column({ type: DataType.DATE, allowNull: true }) declare processedAt: Date | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare outcome: string | null;
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 }) declare attempts: number;
}
