import { fn, Op } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** One registry case (USPTO serial number): what a clearance search compares a mark against. */
@Table({
  tableName: 'trademark_records',
  underscored: true,
  timestamps: false,
  indexes: [
    // Created by the search migration (202611250410): the candidate signals of a clearance search.
    { name: 'trademark_records_normalized_mark_trgm_idx', using: 'gin', fields: [{ name: 'normalized_mark', operator: 'gin_trgm_ops' }] },
    // Created by 202612080100: the sound, initials and meaning keys and the classes, in one index
    // (a crowded initialism among the searched classes is one index scan, not a BitmapAnd).
    { name: 'trademark_records_keys_classes_gin_idx', using: 'gin', fields: ['phonetic_keys', 'classes'] },
    // Created by 202612050110: the look-alike keys (search/analyzer lookalikeKeys: whole-mark and per-word deletion keys).
    { name: 'trademark_records_lookalike_keys_gin_idx', using: 'gin', fields: ['lookalike_keys'], where: { lookalike_keys: { [Op.ne]: null } } },
  ],
})
export class TrademarkRecord extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: fn('gen_random_uuid') }) declare id: string;
  @Column({ type: DataType.TEXT, allowNull: false, unique: 'trademark_records_serial_number_key' }) declare serialNumber: string;
  @Column({ type: DataType.TEXT, allowNull: true }) declare registrationNumber: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare mark: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare normalizedMark: string | null;
  @Column({ type: DataType.ARRAY(DataType.TEXT), allowNull: false }) declare phoneticKeys: string[];
  @Column({ type: DataType.ARRAY(DataType.TEXT), allowNull: true }) declare lookalikeKeys: string[] | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare statusCode: string | null;
  @Column({ type: DataType.BOOLEAN, allowNull: false }) declare live: boolean;
  @Column({ type: DataType.DATEONLY, allowNull: true }) declare statusDate: string | null;
  @Column({ type: DataType.DATEONLY, allowNull: true }) declare filingDate: string | null;
  @Column({ type: DataType.DATEONLY, allowNull: true }) declare registrationDate: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare owner: string | null;
  @Column({ type: DataType.ARRAY(DataType.INTEGER), allowNull: false }) declare classes: number[];
  @Column({ type: DataType.TEXT, allowNull: true }) declare goodsServices: string | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare source: string;
  @Column({ type: DataType.DATE, allowNull: false }) declare importedAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
}
