import { Column, DataType, Model, Table } from 'sequelize-typescript';

@Table({
  tableName: 'users',
  underscored: true,
  timestamps: true,
  paranoid: true,
  indexes: [
    { name: 'users_email_key', unique: true, fields: ['email'], where: { deleted_at: null } },
    { name: 'users_created_at_id_idx', fields: [{ name: 'created_at', order: 'DESC' }, { name: 'id', order: 'DESC' }] },
  ],
})
export class User extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.CITEXT, allowNull: false }) declare email: string;
  @Column({ type: DataType.TEXT, allowNull: true }) declare name: string | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare passwordHash: string;
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'user' }) declare role: 'user' | 'admin';
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'active' }) declare status: 'active' | 'disabled';
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 }) declare failedLogins: number;
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 }) declare lockoutCount: number;
  @Column({ type: DataType.DATE, allowNull: true }) declare lockedUntil: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare lastLoginAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare updatedAt: Date;
  @Column({ type: DataType.DATE, allowNull: true }) declare deletedAt: Date | null;
}
