export * from './trademarks.module';
export * from './registry/registry-import.service';
export * from './registry/trademark-records.service';
export * from './registry/nice-classes';
export * from './registry/import-progress.util';
export * from './registry/registry.errors';
export * from './registry/status-codes.util';
export type { ImportProgress, ImportSummary, RegistryFormat, RejectedRecord, TrademarkRecordView } from './registry/registry.types';
export { WatchesService, type WatchView, type WatchRunSummary } from './watches/watches.service';
