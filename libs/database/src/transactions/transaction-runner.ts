import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import type { Transaction } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';

/** An open database transaction, passed explicitly to every repository call that must join it. */
export type DbTransaction = Transaction;

/** Work done inside every transaction of the runner, after its callback, just before it commits. */
export type BeforeCommitHook = (transaction: DbTransaction) => Promise<void>;

/**
 * Runs work in one transaction: committed when the callback resolves, rolled back when it
 * throws. Repositories take the transaction as an explicit argument; a query without it would
 * run on another pooled connection, outside the transaction.
 */
@Injectable()
export class TransactionRunner {
  private readonly hooks: BeforeCommitHook[] = [];
  /** Hooks that run after every other (writers of what the others queued). */
  private readonly lastHooks: BeforeCommitHook[] = [];
  private readonly running = new WeakSet<DbTransaction>();

  constructor(@InjectConnection() private readonly sequelize: Sequelize) {}

  /**
   * Adds work that runs inside every transaction after its callback succeeds, before the commit:
   * what it writes commits or rolls back with the change (the auditing lib writes the current
   * request's audit row this way, so a committed change never lacks it).
   */
  beforeCommit(hook: BeforeCommitHook, options: { last?: boolean } = {}): void {
    (options.last ? this.lastHooks : this.hooks).push(hook);
  }

  /** Whether `transaction` is one of run's: its beforeCommit hooks will run before it commits. */
  owns(transaction: DbTransaction): boolean {
    return this.running.has(transaction);
  }

  run<T>(work: (transaction: DbTransaction) => Promise<T>): Promise<T> {
    return this.sequelize.transaction(async (transaction) => {
      this.running.add(transaction);
      const result = await work(transaction);
      for (const hook of this.hooks) await hook(transaction);
      for (const hook of this.lastHooks) await hook(transaction);
      return result;
    });
  }
}
