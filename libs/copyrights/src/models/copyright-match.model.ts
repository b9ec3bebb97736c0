import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A near copy found when content was uploaded to `copyrightId`: it resembles `matchedCopyrightId`'s. */
@Table({
  tableName: 'copyright_matches',
  underscored: true,
  timestamps: false,
  indexes: [
    { name: 'copyright_matches_copyright_id_created_at_idx', fields: ['copyright_id', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    { name: 'copyright_matches_alarms_created_at_idx', fields: [{ name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }], where: { own: false } },
    { name: 'copyright_matches_matched_copyright_id_idx', fields: ['matched_copyright_id'] },
    // The cascades from copyright_contents (a content replaced or deleted) find its matches by these.
    { name: 'copyright_matches_content_id_idx', fields: ['content_id'] },
    { name: 'copyright_matches_matched_content_id_idx', fields: ['matched_content_id'] },
  ],
})
export class CopyrightMatch extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare copyrightId: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare contentId: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare matchedCopyrightId: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare matchedContentId: string;
  @Column({ type: DataType.BOOLEAN, allowNull: false }) declare own: boolean;
  @Column({ type: DataType.TEXT, allowNull: false }) declare matchedStatus: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare kind: string;
  @Column({ type: DataType.REAL, allowNull: false }) declare score: number;
  @Column({ type: DataType.JSONB, allowNull: false, defaultValue: {} }) declare details: Record<string, unknown>;
  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW }) declare createdAt: Date;
}
