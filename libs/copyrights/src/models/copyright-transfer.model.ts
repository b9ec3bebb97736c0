import { Column, DataType, Model, Table } from 'sequelize-typescript';

@Table({
  tableName: 'copyright_transfers',
  underscored: true,
  timestamps: true,
  indexes: [
    { name: 'copyright_transfers_pending_idx', unique: true, fields: ['copyright_id'], where: { status: 'pending' } },
    { name: 'copyright_transfers_to_email_created_at_idx', fields: ['to_email', { name: 'created_at', order: 'DESC' }] },
    { name: 'copyright_transfers_from_user_id_created_at_idx', fields: ['from_user_id', { name: 'created_at', order: 'DESC' }] },
    { name: 'copyright_transfers_expires_at_idx', fields: ['expires_at'], where: { status: 'pending' } },
  ],
})
export class CopyrightTransfer extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare copyrightId: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare fromUserId: string;
  @Column({ type: DataType.CITEXT, allowNull: false }) declare toEmail: string;
  @Column({ type: DataType.UUID, allowNull: true }) declare toUserId: string | null;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'pending' }) declare status: string;
  @Column({ type: DataType.DATE, allowNull: false }) declare expiresAt: Date;
  @Column({ type: DataType.DATE, allowNull: true }) declare decidedAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
}
