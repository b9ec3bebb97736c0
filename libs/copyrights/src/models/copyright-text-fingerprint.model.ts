import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** One selected winnowing fingerprint of a content's text (written in bulk by the repository). */
@Table({
  tableName: 'copyright_text_fingerprints',
  underscored: true,
  timestamps: false,
  indexes: [{ name: 'copyright_text_fingerprints_hash_idx', fields: ['hash', 'content_id'] }],
})
export class CopyrightTextFingerprint extends Model {
  @Column({ type: DataType.UUID, primaryKey: true }) declare contentId: string;
  @Column({ type: DataType.INTEGER, primaryKey: true }) declare position: number;
  @Column({ type: DataType.BIGINT, allowNull: false }) declare hash: string;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare charStart: number;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare charEnd: number;
}
