import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** All winnowing fingerprints of a content's text in one row (written and read by the repository only). */
@Table({ tableName: 'copyright_text_fingerprint_sets', underscored: true, timestamps: false })
export class CopyrightTextFingerprintSet extends Model {
  @Column({ type: DataType.UUID, primaryKey: true }) declare contentId: string;
  /** Packed: see content/fingerprint-pack.ts. */
  @Column({ type: DataType.BLOB, allowNull: false }) declare fingerprints: Buffer;
  /** The hashes this content has in copyright_text_postings (its index hashes). */
  @Column({ type: DataType.ARRAY(DataType.BIGINT), allowNull: false }) declare indexHashes: string[];
}
