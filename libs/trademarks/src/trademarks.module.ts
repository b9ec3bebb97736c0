import { DynamicModule, Module, type Type } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { JobsModule } from '@app/jobs';
import { NotificationsModule } from '@app/notifications';
import { NiceClassification } from './registry/nice-classes';
import { RegistryController } from './registry/registry.controller';
import { RegistryImportService } from './registry/registry-import.service';
import { RegistryReanalyzeService } from './registry/registry-reanalyze.service';
import { SAMPLE_REGISTRY_PATH, SampleRegistrySeeder } from './registry/sample-registry.seeder';
import { TrademarkRecordsRepository } from './registry/trademark-records.repository';
import { TrademarkRecordsService } from './registry/trademark-records.service';
import { SearchEvents, searchControllers, searchProviders, TrademarkSearchService } from './search';
import { SAMPLE_REGISTRY_FILE } from './trademarks-data';
import { TrademarksJobs } from './trademarks.jobs';
import { TRADEMARKS_MODELS } from './trademarks.models';
import { WatchesController } from './watches/watches.controller';
import { WatchesRepository } from './watches/watches.repository';
import { WatchesService } from './watches/watches.service';

export interface TrademarksModuleOptions {
  /** Load data/registry/sample-daily.xml into an empty registry on start (with SEED_DEMO_DATA): the api only. */
  loadSampleRegistry?: boolean;
  /** Another sample file (tests). */
  sampleRegistryFile?: string;
  /** Modules whose exports the search may use: the one providing SearchQuota (billing's, given by the composition root). */
  imports?: Array<Type<unknown> | DynamicModule>;
}

/** Trademarks: the registry (trademark_records) and its import, the clearance search, the /v1/trademarks routes. */
@Module({})
export class TrademarksModule {
  static forRoot(options: TrademarksModuleOptions = {}): DynamicModule {
    return {
      module: TrademarksModule,
      imports: [SequelizeModule.forFeature(TRADEMARKS_MODELS), JobsModule, NotificationsModule, ...(options.imports ?? [])],
      controllers: [RegistryController, ...searchControllers, WatchesController],
      providers: [
        TrademarkRecordsRepository,
        TrademarkRecordsService,
        RegistryImportService,
        RegistryReanalyzeService,
        NiceClassification,
        ...searchProviders,
        WatchesRepository,
        WatchesService,
        TrademarksJobs,
        { provide: SAMPLE_REGISTRY_PATH, useValue: options.sampleRegistryFile ?? SAMPLE_REGISTRY_FILE },
        ...(options.loadSampleRegistry ? [SampleRegistrySeeder] : []),
      ],
      exports: [TrademarkRecordsService, RegistryImportService, RegistryReanalyzeService, NiceClassification, WatchesService, TrademarkSearchService, SearchEvents],
    };
  }
}
