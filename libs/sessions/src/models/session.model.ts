import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** One refresh token; the tokens that rotated from one sign-in share a family (the session). */
@Table({
  tableName: 'sessions',
  underscored: true,
  timestamps: true,
  updatedAt: false,
  indexes: [
    { name: 'sessions_token_hash_key', unique: true, fields: ['token_hash'] },
    { name: 'sessions_family_id_idx', fields: ['family_id'] },
    { name: 'sessions_user_id_created_at_idx', fields: ['user_id', { name: 'created_at', order: 'DESC' }] },
    { name: 'sessions_expires_at_idx', fields: ['expires_at'] },
  ],
})
export class Session extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare userId: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare familyId: string;
  @Column({ type: DataType.UUID, allowNull: true }) declare parentId: string | null;
  /** SHA-256 of the refresh token, hex; the token itself is never stored. */
  @Column({ type: DataType.TEXT, allowNull: false }) declare tokenHash: string;
  @Column({ type: DataType.DATE, allowNull: false }) declare startedAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare createdAt: Date;
  @Column({ type: DataType.DATE, allowNull: true }) declare usedAt: Date | null;
  @Column({ type: DataType.DATE, allowNull: true }) declare revokedAt: Date | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare revokedReason: string | null;
  /** Absolute end of the family, copied from parent to child. */
  @Column({ type: DataType.DATE, allowNull: false }) declare expiresAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare idleExpiresAt: Date;
  @Column({ type: DataType.DATE, allowNull: false }) declare lastActivityAt: Date;
  @Column({ type: DataType.TEXT, allowNull: true }) declare ip: string | null;
  @Column({ type: DataType.TEXT, allowNull: true }) declare userAgent: string | null;
}
