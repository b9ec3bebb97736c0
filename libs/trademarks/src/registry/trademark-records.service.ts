import { Injectable } from '@nestjs/common';
import { MalformedSerialNumberProblem, TrademarkRecordNotFoundProblem } from './registry.errors';
import type { TrademarkRecordView } from './registry.types';
import { TrademarkRecordsRepository } from './trademark-records.repository';

const SERIAL_NUMBER = /^\d{8}$/;

/** Reading the registry: one record by serial number. */
@Injectable()
export class TrademarkRecordsService {
  constructor(private readonly records: TrademarkRecordsRepository) {}

  /**
   * The record with this serial number; 400 problem when it is not 8 digits, 404 when unknown.
   * A view by a user is recorded in trademark_logs (`record.view`).
   */
  async getBySerialNumber(serialNumber: string, viewerId: string | null = null): Promise<TrademarkRecordView> {
    if (!SERIAL_NUMBER.test(serialNumber)) throw new MalformedSerialNumberProblem();
    const record = await this.records.findBySerialNumber(serialNumber);
    if (!record) throw new TrademarkRecordNotFoundProblem(serialNumber);
    if (viewerId) await this.records.appendLog({ userId: viewerId, action: 'record.view', entityType: 'trademark_record', entityId: serialNumber, details: {} });
    return record;
  }

  /** Whether the registry holds no record at all (a fresh database). */
  isEmpty(): Promise<boolean> {
    return this.records.isEmpty();
  }
}
