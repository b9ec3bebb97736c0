import { Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { AdminCopyrightsController } from './admin-copyrights.controller';
import { CopyrightContentController, CopyrightMatchesController } from './copyright-content.controller';
import { CopyrightContentRepository } from './copyright-content.repository';
import { CopyrightContentService } from './copyright-content.service';
import { CopyrightTransfersController } from './copyright-transfers.controller';
import { CopyrightTransfersRepository } from './copyright-transfers.repository';
import { CopyrightTransfersService } from './copyright-transfers.service';
import { CopyrightsController } from './copyrights.controller';
import { CopyrightsJobs } from './copyrights.jobs';
import { COPYRIGHTS_MODELS } from './copyrights.models';
import { CopyrightsRepository } from './copyrights.repository';
import { CopyrightsService } from './copyrights.service';

/** Copyright works: lifecycle, admin decisions, history, terms of protection, transfers and their expiry job, content fingerprints and near-copy matches. */
@Module({
  imports: [SequelizeModule.forFeature(COPYRIGHTS_MODELS)],
  controllers: [CopyrightsController, CopyrightTransfersController, CopyrightContentController, CopyrightMatchesController, AdminCopyrightsController],
  providers: [
    CopyrightsRepository,
    CopyrightsService,
    CopyrightTransfersRepository,
    CopyrightTransfersService,
    CopyrightContentRepository,
    CopyrightContentService,
    CopyrightsJobs,
  ],
  exports: [CopyrightsService, CopyrightTransfersService, CopyrightContentService],
})
export class CopyrightsModule {}
