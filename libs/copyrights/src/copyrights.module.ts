import { DynamicModule, Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { AdminCopyrightsController } from './admin-copyrights.controller';
import { CopyrightTransfersController } from './copyright-transfers.controller';
import { CopyrightTransfersRepository } from './copyright-transfers.repository';
import { CopyrightTransfersService } from './copyright-transfers.service';
import { COPYRIGHTS_CONFIG, loadCopyrightsConfig } from './copyrights.config';
import { CopyrightsController } from './copyrights.controller';
import { CopyrightsJobs } from './copyrights.jobs';
import { CopyrightsRepository } from './copyrights.repository';
import { CopyrightsService } from './copyrights.service';
import { CopyrightLog } from './models/copyright-log.model';
import { CopyrightTransfer } from './models/copyright-transfer.model';
import { Copyright } from './models/copyright.model';

/** Every model the copyrights lib owns (the composition root registers them for the drift check). */
export const COPYRIGHTS_MODELS = [Copyright, CopyrightLog, CopyrightTransfer];

export interface CopyrightsModuleOptions {
  /** The environment to configure from (validated here, at boot); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Mount the /v1 routes (the api); the worker only runs the jobs. */
  routes?: boolean;
}

/** Copyright works: lifecycle, admin decisions, history, terms of protection, transfers and their expiry job. */
@Module({})
export class CopyrightsModule {
  static forRoot(options: CopyrightsModuleOptions = {}): DynamicModule {
    const config = loadCopyrightsConfig(options.env ?? process.env);
    return {
      module: CopyrightsModule,
      imports: [SequelizeModule.forFeature(COPYRIGHTS_MODELS)],
      controllers: options.routes === false ? [] : [CopyrightsController, CopyrightTransfersController, AdminCopyrightsController],
      providers: [
        { provide: COPYRIGHTS_CONFIG, useValue: config },
        CopyrightsRepository,
        CopyrightsService,
        CopyrightTransfersRepository,
        CopyrightTransfersService,
        CopyrightsJobs,
      ],
      exports: [CopyrightsService, CopyrightTransfersService],
    };
  }
}
