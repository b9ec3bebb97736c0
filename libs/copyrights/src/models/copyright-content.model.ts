import { Op } from 'sequelize';
import { Column, DataType, Model, Table } from 'sequelize-typescript';

const bandIndexes = ['phash', 'dhash'].flatMap((hash) =>
  [0, 1, 2, 3].map((band) => ({ name: `copyright_contents_${hash}_b${band}_idx`, fields: [`${hash}_b${band}`], where: { [`${hash}_b${band}`]: { [Op.ne]: null } } })),
);

/** A work's content as fingerprints (never the file): see migrations/202612024100-copyrights-create-content.ts. */
@Table({
  tableName: 'copyright_contents',
  underscored: true,
  timestamps: false,
  indexes: [{ name: 'copyright_contents_sha256_idx', fields: ['sha256'] }, ...bandIndexes],
})
export class CopyrightContent extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false, unique: 'copyright_contents_copyright_id_key' }) declare copyrightId: string;
  @Column({ type: DataType.UUID, allowNull: true }) declare uploadedBy: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare filename: string | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare mediaType: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare kind: string;
  @Column({ type: DataType.BIGINT, allowNull: false }) declare sizeBytes: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare sha256: string;
  @Column({ type: DataType.INTEGER, allowNull: true }) declare tokenCount: number | null;
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 }) declare fingerprintCount: number;
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: false }) declare fingerprintsTruncated: boolean;
  @Column({ type: DataType.BIGINT, allowNull: true }) declare phash: string | null;
  @Column({ type: DataType.BIGINT, allowNull: true }) declare dhash: string | null;
  @Column({ type: DataType.INTEGER, allowNull: true, field: 'phash_b0' }) declare phashB0: number | null;
  @Column({ type: DataType.INTEGER, allowNull: true, field: 'phash_b1' }) declare phashB1: number | null;
  @Column({ type: DataType.INTEGER, allowNull: true, field: 'phash_b2' }) declare phashB2: number | null;
  @Column({ type: DataType.INTEGER, allowNull: true, field: 'phash_b3' }) declare phashB3: number | null;
  @Column({ type: DataType.INTEGER, allowNull: true, field: 'dhash_b0' }) declare dhashB0: number | null;
  @Column({ type: DataType.INTEGER, allowNull: true, field: 'dhash_b1' }) declare dhashB1: number | null;
  @Column({ type: DataType.INTEGER, allowNull: true, field: 'dhash_b2' }) declare dhashB2: number | null;
  @Column({ type: DataType.INTEGER, allowNull: true, field: 'dhash_b3' }) declare dhashB3: number | null;
  @Column({ type: DataType.INTEGER, allowNull: true }) declare width: number | null;
  @Column({ type: DataType.INTEGER, allowNull: true }) declare height: number | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare storedCopy: string | null;
  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW }) declare createdAt: Date;
}
