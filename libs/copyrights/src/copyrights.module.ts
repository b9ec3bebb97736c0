import { Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { AdminCopyrightsController } from './admin-copyrights.controller';
import { CopyrightsController } from './copyrights.controller';
import { CopyrightsRepository } from './copyrights.repository';
import { CopyrightsService } from './copyrights.service';
import { CopyrightLog } from './models/copyright-log.model';
import { Copyright } from './models/copyright.model';

/** Every model the copyrights lib owns (the composition root registers them for the drift check). */
export const COPYRIGHTS_MODELS = [Copyright, CopyrightLog];

/** Copyright works: lifecycle, admin decisions, history, terms of protection; the /v1/copyrights routes. */
@Module({
  imports: [SequelizeModule.forFeature(COPYRIGHTS_MODELS)],
  controllers: [CopyrightsController, AdminCopyrightsController],
  providers: [CopyrightsRepository, CopyrightsService],
  exports: [CopyrightsService],
})
export class CopyrightsModule {}
