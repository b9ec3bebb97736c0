import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { Sequelize } from 'sequelize-typescript';
import { embeddedServerPort } from '../embedded/embedded-default';
import { AdvisoryLock, LockOptions, LockResult } from './advisory-lock';

/** Nest-injectable face of `AdvisoryLock` on the application pool. */
@Injectable()
export class AdvisoryLockService {
  private readonly lock: AdvisoryLock;

  constructor(@InjectConnection() sequelize: Sequelize) {
    this.lock = new AdvisoryLock(sequelize, embeddedServerPort);
  }

  withLock<T>(name: string, work: () => Promise<T>, options?: LockOptions): Promise<LockResult<T>> {
    return this.lock.withLock(name, work, options);
  }
}
