import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A registry record a watch has matched; its key makes every conflict reported at most once. */
@Table({ tableName: 'trademark_watch_hits', underscored: true, timestamps: true, updatedAt: false })
export class TrademarkWatchHit extends Model {
  @Column({ type: DataType.UUID, primaryKey: true }) declare watchId: string;
  @Column({ type: DataType.TEXT, primaryKey: true }) declare serialNumber: string;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare score: number;
  /** Present when the watch was created: known then, so never reported as new. */
  @Column({ type: DataType.BOOLEAN, allowNull: false }) declare baseline: boolean;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
}
