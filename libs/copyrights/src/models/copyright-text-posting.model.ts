import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** hash -> content: one row per index hash of a content's text; the primary key is the lookup B-tree. */
@Table({ tableName: 'copyright_text_postings', underscored: true, timestamps: false })
export class CopyrightTextPosting extends Model {
  @Column({ type: DataType.BIGINT, primaryKey: true }) declare hash: string;
  @Column({ type: DataType.UUID, primaryKey: true }) declare contentId: string;
}
