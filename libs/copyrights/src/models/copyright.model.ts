import { Column, DataType, Model, Table } from 'sequelize-typescript';

@Table({
  tableName: 'copyrights',
  underscored: true,
  timestamps: true,
  paranoid: true,
  indexes: [
    { name: 'copyrights_user_id_created_at_idx', fields: ['user_id', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    { name: 'copyrights_user_id_status_created_at_idx', fields: ['user_id', 'status', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    { name: 'copyrights_user_id_work_type_created_at_idx', fields: ['user_id', 'work_type', { name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
    { name: 'copyrights_title_trgm_idx', using: 'gin', fields: ['title'] },
    { name: 'copyrights_authors_idx', using: 'gin', fields: ['authors'] },
    { name: 'copyrights_metadata_idx', using: 'gin', fields: ['metadata'] },
  ],
})
export class Copyright extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare userId: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare title: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare workType: string;
  @Column({ type: DataType.JSONB, allowNull: false, defaultValue: [] }) declare authors: unknown[];
  @Column({ type: DataType.DATEONLY, allowNull: false }) declare creationDate: string;
  @Column({ type: DataType.DATEONLY, allowNull: true }) declare publicationDate: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare description: string | null;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'draft' }) declare status: string;
  @Column({ type: DataType.TEXT, allowNull: true }) declare registrationNumber: string | null;
  @Column({ type: DataType.DATEONLY, allowNull: true }) declare registrationDate: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare decisionReason: string | null;
  @Column({ type: DataType.JSONB, allowNull: false, defaultValue: {} }) declare metadata: Record<string, unknown>;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
  @Column({ type: DataType.DATE, allowNull: true }) declare deletedAt: Date | null;
}
