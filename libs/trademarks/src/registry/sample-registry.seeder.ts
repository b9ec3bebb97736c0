import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfigService } from '@app/config';
import { MigrationService } from '@app/database';
import { RegistryImportService } from './registry-import.service';
import { TrademarkRecordsService } from './trademark-records.service';

export const SAMPLE_REGISTRY_PATH = Symbol('SAMPLE_REGISTRY_PATH');

/**
 * With SEED_DEMO_DATA (development only), loads the sample registry (data/registry) into an
 * empty trademark_records on start, so that search answers out of the box. The api registers
 * it; the worker and the cli do not. Concurrent starts are harmless: the import is idempotent.
 */
@Injectable()
export class SampleRegistrySeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(SampleRegistrySeeder.name);

  constructor(
    private readonly config: AppConfigService,
    private readonly migrations: MigrationService,
    private readonly records: TrademarkRecordsService,
    private readonly importer: RegistryImportService,
    @Inject(SAMPLE_REGISTRY_PATH) private readonly samplePath: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemoData) return;
    if ((await this.migrations.pending()).length > 0) {
      this.logger.warn('Sample registry not loaded: the database has pending migrations');
      return;
    }
    if (!(await this.records.isEmpty())) return;
    const summary = await this.importer.importFile(this.samplePath);
    this.logger.log(`Sample registry loaded from ${this.samplePath}: ${summary.inserted} records (SEED_DEMO_DATA)`);
  }
}
