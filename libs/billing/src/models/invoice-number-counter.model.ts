import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** The last invoice number taken in a year (see InvoicesRepository.takeNumber). */
@Table({ tableName: 'invoice_number_counters', underscored: true, timestamps: false })
export class InvoiceNumberCounter extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true }) declare year: number;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare lastNumber: number;
}
