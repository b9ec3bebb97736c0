import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A registry record a watch has matched; its key makes every conflict reported at most once. */
@Table({
  tableName: 'trademark_watch_hits',
  underscored: true,
  timestamps: true,
  updatedAt: false,
  indexes: [{ name: 'trademark_watch_hits_watch_id_created_at_idx', fields: ['watch_id', { name: 'created_at', order: 'DESC' }, { name: 'score', order: 'DESC' }, { name: 'id', order: 'DESC' }] }],
})
export class TrademarkWatchHit extends Model {
  /** Not the key (watch, serial is): the hit's stable name, and the tie-break of the hits' keyset cursor. */
  @Column({ type: DataType.UUID, allowNull: false, unique: 'trademark_watch_hits_id_key', defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, primaryKey: true }) declare watchId: string;
  @Column({ type: DataType.TEXT, primaryKey: true }) declare serialNumber: string;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare score: number;
  @Column({ type: DataType.TEXT, allowNull: false }) declare risk: string;
  /** The search engine's reasons ([{ kind, detail }]) when the hit was found. */
  @Column({ type: DataType.JSONB, allowNull: false, defaultValue: [] }) declare reasons: unknown;
  /** Present when the watch was created: known then, so never reported as new. */
  @Column({ type: DataType.BOOLEAN, allowNull: false }) declare baseline: boolean;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
}
