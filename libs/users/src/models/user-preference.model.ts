import { Column, DataType, Model, Table } from 'sequelize-typescript';

export type NotificationChannelSettings = Record<string, { email?: boolean }>;

@Table({ tableName: 'user_preferences', underscored: true, timestamps: true })
export class UserPreference extends Model {
  @Column({ type: DataType.UUID, primaryKey: true }) declare userId: string;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'en' }) declare locale: string;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'UTC' }) declare timezone: string;
  @Column({ type: DataType.JSONB, allowNull: false, defaultValue: {} }) declare notifications: NotificationChannelSettings;
  @Column({ type: DataType.ARRAY(DataType.INTEGER), allowNull: false, defaultValue: [] }) declare defaultClasses: number[];
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
}
