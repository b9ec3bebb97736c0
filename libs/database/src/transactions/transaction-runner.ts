import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import type { Transaction } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';

/** An open database transaction, passed explicitly to every repository call that must join it. */
export type DbTransaction = Transaction;

/**
 * Runs work in one transaction: committed when the callback resolves, rolled back when it
 * throws. Repositories take the transaction as an explicit argument; a query without it would
 * run on another pooled connection, outside the transaction.
 */
@Injectable()
export class TransactionRunner {
  constructor(@InjectConnection() private readonly sequelize: Sequelize) {}

  run<T>(work: (transaction: DbTransaction) => Promise<T>): Promise<T> {
    return this.sequelize.transaction((transaction) => work(transaction));
  }
}
