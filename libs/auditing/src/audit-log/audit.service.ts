import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { loggableError, ValidationFailedError, type Page } from '@app/common';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { RequestContext } from '@app/observability';
import { AuditLogRepository, type AuditQuery, type AuditRecord, type NewAuditRow } from './audit-log.repository';
import { AUDIT_EVENTS_TOTAL } from './audit.metrics';
import { redact } from './redaction';
import { AuditCheckpoints, type CheckpointCheck, type CheckpointFinding } from './checkpoints/audit-checkpoints.service';

export interface AuditEvent {
  /** Dotted name, e.g. `users.update`, `auth.login`, `auth.refresh-token-reuse`. */
  action: string;
  outcome?: 'success' | 'failure';
  /** Problem type of a failure (e.g. `.../invalid-credentials`). */
  problemType?: string | null;
  actorId?: string | null;
  actorRole?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  metadata?: Record<string, unknown>;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first row changed, or left dangling by a deletion (or the oldest row, when the head was deleted). */
  firstBrokenId?: string;
  /** What is wrong, when something is. */
  reason?: 'row-changed-or-deleted' | 'head-deleted' | CheckpointFinding;
  /** The latest signed checkpoint the chain was checked against; null before the first one. */
  checkpoint: CheckpointCheck | null;
}

const ACTION = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

/** Shallow field-by-field differences between two states (after redaction). */
export function diff(before: unknown, after: unknown): Record<string, { from: unknown; to: unknown }> | null {
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return null;
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) changes[key] = { from: b[key] ?? null, to: a[key] ?? null };
  }
  return Object.keys(changes).length > 0 ? changes : null;
}

/**
 * The audit log: who did what to which entity, when, from where, and with what outcome.
 * Everything stored is redacted first. Rows are append-only and hash-chained in the database.
 */
@Injectable()
export class AuditService implements OnModuleInit {
  private readonly logger = new Logger(AuditService.name);
  /** Rows recordBeforeCommit queued, by transaction, until its last beforeCommit hook writes them. */
  private readonly queued = new WeakMap<DbTransaction, NewAuditRow[]>();

  constructor(
    private readonly audit: AuditLogRepository,
    private readonly transactions: TransactionRunner,
    private readonly checkpoints: AuditCheckpoints,
    @InjectMetric(AUDIT_EVENTS_TOTAL) private readonly events: Counter<string>,
  ) {}

  /**
   * Records an event. Pass the transaction of the change it describes so both commit (or roll
   * back) together. Request details (request id, IP, user agent, caller) come from the request
   * context when there is one.
   */
  async record(event: AuditEvent, options: { transaction?: DbTransaction } = {}): Promise<void> {
    const row = this.rowOf(event);
    await this.audit.insert(row, options.transaction);
    this.count(row, options.transaction);
  }

  /**
   * Like record in `transaction`, but the row is written just before the transaction commits,
   * in one statement with the other rows recorded so (the request's own audit row included):
   * one round trip instead of one per event. The row is the event as it is now (request
   * details included). A transaction that TransactionRunner.run did not start (so no hook runs
   * before its commit) gets the row at once, as record gives it.
   */
  async recordBeforeCommit(event: AuditEvent, options: { transaction: DbTransaction }): Promise<void> {
    const { transaction } = options;
    if (!this.transactions.owns(transaction)) return this.record(event, options);
    const row = this.rowOf(event);
    const queued = this.queued.get(transaction);
    if (queued) queued.push(row);
    else this.queued.set(transaction, [row]);
    this.count(row, transaction);
  }

  onModuleInit(): void {
    this.transactions.beforeCommit((transaction) => this.writeQueued(transaction), { last: true });
  }

  private async writeQueued(transaction: DbTransaction): Promise<void> {
    const rows = this.queued.get(transaction);
    if (!rows) return;
    this.queued.delete(transaction);
    await this.audit.insertMany(rows, transaction);
  }

  /** The row of an event: validated, redacted, with the request's details when there is a request. */
  private rowOf(event: AuditEvent): NewAuditRow {
    if (!ACTION.test(event.action)) throw new Error(`Audit action "${event.action}" is not a dotted lower-case name`);
    const context = RequestContext.current();
    const before = event.before === undefined ? null : redact(event.before);
    const after = event.after === undefined ? null : redact(event.after);
    return {
      actorId: event.actorId ?? context?.userId ?? null,
      actorRole: event.actorRole ?? context?.role ?? null,
      action: event.action,
      entityType: event.entityType ?? null,
      entityId: event.entityId ?? null,
      outcome: event.outcome ?? 'success',
      problemType: event.problemType ?? null,
      before,
      after,
      changes: diff(before, after),
      metadata: redact(event.metadata ?? {}),
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      requestId: context?.requestId ?? null,
    };
  }

  private count(row: NewAuditRow, transaction?: DbTransaction): void {
    const labels = { action: row.action, outcome: row.outcome };
    if (transaction) transaction.afterCommit(() => this.events.inc(labels));
    else this.events.inc(labels);
  }

  /** Like record, for events that must not fail the request they describe: errors are logged. */
  async recordQuietly(event: AuditEvent): Promise<void> {
    try {
      await this.record(event);
    } catch (error) {
      this.logger.error({ err: loggableError(error), action: event.action }, 'could not write an audit event');
    }
  }

  async find(query: Omit<AuditQuery, 'afterSeq'> & { cursor?: string }): Promise<Page<AuditRecord>> {
    const afterSeq = query.cursor === undefined ? undefined : decodeSeqCursor(query.cursor);
    const rows = await this.audit.find({ ...query, afterSeq });
    const data = rows.slice(0, query.limit);
    const last = data[data.length - 1];
    return { data, nextCursor: rows.length > query.limit && last ? Buffer.from(last.seq).toString('base64url') : null };
  }

  /**
   * Walks the whole chain (each row's hash and link, and the oldest row's link to a recorded
   * purge), then compares it with the latest signed checkpoint: a chain rewritten with
   * recomputed hashes, or cut at the tail or the head, no longer matches what was signed.
   */
  async verify(): Promise<AuditVerification> {
    return this.transactions.run(async (transaction) => {
      await this.audit.allowLongStatement(transaction, 120_000);
      const { database, checked, firstBrokenId, headBrokenId } = await this.audit.verifyChain(transaction);
      const checkpoint = await this.checkpoints.check(database, transaction);
      if (firstBrokenId) return { ok: false, checked, firstBrokenId, reason: 'row-changed-or-deleted', checkpoint };
      if (headBrokenId) return { ok: false, checked, firstBrokenId: headBrokenId, reason: 'head-deleted', checkpoint };
      if (checkpoint?.finding) return { ok: false, checked, reason: checkpoint.finding, checkpoint };
      return { ok: true, checked, checkpoint };
    });
  }

  /** Writes a signed checkpoint of the chain now (the `audit-checkpoint` job); null when nothing changed since the last. */
  writeCheckpoint(now?: Date) {
    return this.checkpoints.write(now);
  }

  publicKey() {
    return this.checkpoints.publicKey();
  }
}

function decodeSeqCursor(cursor: string): string {
  const seq = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{1,19}$/.test(seq)) throw new ValidationFailedError([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
  return seq;
}
