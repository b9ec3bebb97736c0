import { Column, DataType, Model, Table } from 'sequelize-typescript';

/**
 * A record's analyzed mark (search/analyzer.ts) in its compact stored form, written at import and
 * by `registry:reanalyze`; the search joins it for its candidates only. A row of another
 * `version` than ANALYZER_VERSION is stale: the search ignores it and reanalyze rewrites it.
 */
@Table({ tableName: 'trademark_mark_analyses', underscored: true, timestamps: false })
export class TrademarkMarkAnalysis extends Model {
  @Column({ type: DataType.UUID, primaryKey: true }) declare recordId: string;
  @Column({ type: DataType.SMALLINT, allowNull: false }) declare version: number;
  @Column({ type: DataType.TEXT, allowNull: false }) declare analysis: string;
}
