import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { ReadReplicas } from '@app/database';
import { TrademarkLog } from '../search/models/trademark-log.model';
import { TrademarkRecord } from './models/trademark-record.model';
import { ANALYZER_VERSION } from '../search/analyzer';
import type { StagedRecord, TrademarkRecordView } from './registry.types';
import { ANALYSIS_COLUMNS, arrayLiteral, encodeStaged, RECORD_COLUMNS, type EncodedBatch } from './staging-batch';

/** A registry event for trademark_logs (record views, import runs). */
export interface RegistryLogEntry {
  userId: string | null;
  action: 'record.view' | 'registry.import';
  entityType: 'trademark_record' | 'registry_file';
  entityId: string;
  details: Record<string, unknown>;
}

/** A record's keys and analysis as recomputed by `registry:reanalyze`. */
export interface RecordAnalysis {
  id: string;
  normalizedMark: string | null;
  phoneticKeys: string[];
  lookalikeKeys: string[] | null;
  /** encodeAnalysis's stored form. */
  analysis: string;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Where one import run writes its batches (TrademarkRecordsRepository.openWriter). */
export interface RegistryWriter {
  /** Whether this run is a bulk load into an empty registry (one transaction, indexes built at the end). */
  readonly bulk: boolean;
  /** Stores a batch; call one at a time, in file order. */
  write(batch: EncodedBatch): Promise<UpsertCounts>;
  /** After the last batch: a bulk load builds its indexes and commits. Returns the indexes built. */
  finish(): Promise<number>;
  /** After a failure: a bulk load rolls back (the registry stays empty). */
  abort(): Promise<void>;
}

/** A batch has its own, longer limit than the 1 s of request statements. */
const BATCH_STATEMENT_TIMEOUT = '120s';
/** A bulk load's statements include building the registry's indexes: 5,000,000 records take minutes. */
const BULK_STATEMENT_TIMEOUT = '60min';
/** How long a bulk load's transaction may wait for its next batch (the app's connections allow 10 s by default). */
const BULK_IDLE_TIMEOUT = '5min';
/** The least maintenance_work_mem a bulk load builds its indexes with. */
const BULK_MAINTENANCE_WORK_MEM = '256MB';

/**
 * Columns whose change makes an import update a record. `source` is left out: the same case in
 * a later file, unchanged, is not a change.
 */
const COMPARED_COLUMNS = [
  'registration_number',
  'mark',
  'normalized_mark',
  'phonetic_keys',
  'lookalike_keys',
  'status_code',
  'live',
  'status_date',
  'filing_date',
  'registration_date',
  'owner',
  'classes',
  'goods_services',
] as const;

const STORED_COLUMNS = ['serial_number', ...COMPARED_COLUMNS, 'source'] as const;

/**
 * The staging tables of a transaction's batches (temporary: dropped when the transaction ends):
 * the records, numbered in the order COPY reads them, and their analyses by the records' ids.
 */
async function createStaging(sequelize: Sequelize, transaction: Transaction): Promise<void> {
  await sequelize.query(
    `CREATE TEMP TABLE trademark_records_staging (${RECORD_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')}, seq integer GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP`,
    { transaction },
  );
  await sequelize.query(`CREATE TEMP TABLE trademark_analyses_staging (${ANALYSIS_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')}) ON COMMIT DROP`, { transaction });
}

const RECORD_COLUMN_NAMES = RECORD_COLUMNS.map(([name]) => name).join(', ');
const ANALYSIS_COLUMN_NAMES = ANALYSIS_COLUMNS.map(([name]) => name).join(', ');

/**
 * Streams COPY CSV text into a table with COPY ... FROM STDIN on the transaction's own
 * connection (Sequelize keeps the pg client of a transaction on it).
 */
async function copyInto(transaction: Transaction, table: string, columns: string, csv: string): Promise<void> {
  if (csv === '') return;
  const client = (transaction as unknown as { connection?: PoolClient }).connection;
  if (!client) throw new Error('The transaction has no connection to COPY on');
  const copy = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from([csv]), copy);
}

/**
 * The serial numbers a bulk load has written so far, one bit each (all 8-digit numbers: 12.5 MB),
 * so that a batch of serial numbers met for the first time can skip the upsert.
 */
class SerialSet {
  private readonly bits = new Uint8Array(100_000_000 / 8);

  /** Adds the serial numbers; whether any of them was there already (or comes twice). */
  addAll(serials: readonly number[]): boolean {
    let seen = false;
    for (const serial of serials) {
      const byte = serial >>> 3;
      const bit = 1 << (serial & 7);
      if ((this.bits[byte]! & bit) !== 0) seen = true;
      this.bits[byte]! |= bit;
    }
    return seen;
  }
}

function toView(row: TrademarkRecord): TrademarkRecordView {
  return {
    id: row.id,
    serialNumber: row.serialNumber,
    registrationNumber: row.registrationNumber,
    mark: row.mark,
    normalizedMark: row.normalizedMark,
    phoneticKeys: row.phoneticKeys,
    statusCode: row.statusCode,
    live: row.live,
    statusDate: row.statusDate,
    filingDate: row.filingDate,
    registrationDate: row.registrationDate,
    owner: row.owner,
    classes: row.classes,
    goodsServices: row.goodsServices,
    source: row.source,
    importedAt: row.importedAt,
    updatedAt: row.updatedAt,
  };
}

/** trademark_records: the only place that talks to the table. */
@Injectable()
export class TrademarkRecordsRepository {
  constructor(
    @InjectModel(TrademarkRecord) private readonly records: typeof TrademarkRecord,
    @InjectModel(TrademarkLog) private readonly logs: typeof TrademarkLog,
    private readonly replicas: ReadReplicas,
  ) {}

  async appendLog(entry: RegistryLogEntry): Promise<void> {
    await this.logs.create({ ...entry });
  }

  /** A registry record: a read that tolerates lag, on a read replica when one is in rotation. */
  async findBySerialNumber(serialNumber: string): Promise<TrademarkRecordView | null> {
    const row = await this.replicas.read((transaction) => this.records.findOne({ where: { serialNumber }, transaction }));
    return row ? toView(row) : null;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.records.findOne({ attributes: ['id'] })) === null;
  }

  async count(): Promise<number> {
    return this.records.count();
  }

  /**
   * Stores one batch in its own transaction (upsertIn). For a single batch, and for tests; an
   * import writes through openWriter.
   */
  async upsertBatch(batch: StagedRecord[]): Promise<UpsertCounts> {
    if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    const sequelize = this.sequelizeOf();
    return sequelize.transaction(async (transaction) => {
      await sequelize.query(`SET LOCAL statement_timeout = '${BATCH_STATEMENT_TIMEOUT}'`, { transaction });
      await createStaging(sequelize, transaction);
      return this.upsertIn(transaction, encodeStaged(batch));
    });
  }

  /**
   * A writer for one import run. When the registry is empty (checked under the table's lock), a
   * bulk load: the whole run is one transaction in which trademark_records_bulk_begin() has
   * dropped the registry's non-unique indexes and disabled the key-count triggers, and finish()
   * builds the indexes once over the loaded rows and recounts the keys before it commits (several
   * times cheaper than maintaining the GIN indexes row by row; readers of the registry wait for
   * the commit, and a failed run leaves the registry empty, as it was). Otherwise each batch is
   * its own transaction, so that a long import of updates never holds the registry.
   * The batches are the same upserts either way (upsertIn). abort() after a failure.
   */
  async openWriter(): Promise<RegistryWriter> {
    const sequelize = this.sequelizeOf();
    const transaction = await sequelize.transaction();
    let bulk = false;
    try {
      await sequelize.query(`SET LOCAL statement_timeout = '${BULK_STATEMENT_TIMEOUT}'`, { transaction });
      const [row] = await sequelize.query<{ bulk: boolean }>('SELECT trademark_records_bulk_begin() AS bulk', { type: QueryTypes.SELECT, transaction });
      bulk = row?.bulk === true;
      if (bulk) {
        // Between two batches the transaction waits for the parser: a slow stretch of the file (a
        // run of rejected records, the next zip entry) must not end the session that holds the load.
        await sequelize.query(`SET LOCAL idle_in_transaction_session_timeout = '${BULK_IDLE_TIMEOUT}'`, { transaction });
        await createStaging(sequelize, transaction);
      } else {
        await transaction.commit();
      }
    } catch (error) {
      await transaction.rollback();
      throw error;
    }
    if (!bulk) {
      return { bulk, write: (batch) => this.upsertEncoded(batch), finish: async () => 0, abort: async () => undefined };
    }
    const written = new SerialSet();
    return {
      bulk,
      // A batch whose serial numbers the load has not met (nor repeats) can only be inserted,
      // so its rows go straight into the tables; any other one goes through the upsert.
      write: async (batch) => (written.addAll(batch.serials) ? this.upsertIn(transaction, batch, true) : this.insertNew(transaction, batch)),
      finish: async () => {
        // Index builds sort in maintenance_work_mem: at least BULK_MAINTENANCE_WORK_MEM for this
        // transaction, more when the server's setting is higher.
        await sequelize.query(
          `SELECT set_config('maintenance_work_mem', '${BULK_MAINTENANCE_WORK_MEM}', true)
            WHERE pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes('${BULK_MAINTENANCE_WORK_MEM}')`,
          { transaction },
        );
        const [built] = await sequelize.query<{ indexes: number }>('SELECT trademark_records_bulk_finish() AS indexes', { type: QueryTypes.SELECT, transaction });
        await transaction.commit();
        return Number(built?.indexes ?? 0);
      },
      abort: async () => {
        await transaction.rollback();
      },
    };
  }

  private async upsertEncoded(batch: EncodedBatch): Promise<UpsertCounts> {
    if (batch.count === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    const sequelize = this.sequelizeOf();
    return sequelize.transaction(async (transaction) => {
      await sequelize.query(`SET LOCAL statement_timeout = '${BATCH_STATEMENT_TIMEOUT}'`, { transaction });
      await createStaging(sequelize, transaction);
      return this.upsertIn(transaction, batch);
    });
  }

  /**
   * Stores a batch of records none of which is stored yet (nor repeated in the batch), with
   * their analyses, by COPY straight into the tables: what upsertIn would do with them, without
   * the staging. Only for a bulk load, which knows which serial numbers it has written.
   */
  private async insertNew(transaction: Transaction, batch: EncodedBatch): Promise<UpsertCounts> {
    await copyInto(transaction, 'trademark_records', RECORD_COLUMN_NAMES, batch.records);
    await copyInto(transaction, 'trademark_mark_analyses', ANALYSIS_COLUMN_NAMES, batch.analyses);
    return { inserted: batch.count, updated: 0, unchanged: 0 };
  }

  /**
   * Stores one batch in the given transaction: the rows are streamed into temporary staging
   * tables with COPY (pg-copy-streams), then one statement moves them into the registry (INSERT ...
   * SELECT ... ON CONFLICT) and writes the analysis of every record it inserted or changed into
   * trademark_mark_analyses (by the record's id, which the upsert returns; a mark that became
   * empty loses its row). A stored record is replaced only by one at least as recent (status date;
   * no date counts as oldest) that differs in some field, so re-importing a file changes nothing,
   * not even updated_at. Within a batch the most recent occurrence of a serial number wins (the
   * later one on a tie).
   */
  private async upsertIn(transaction: Transaction, batch: EncodedBatch, reuseStaging = false): Promise<UpsertCounts> {
    if (batch.count === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    const sequelize = this.sequelizeOf();
    const columns = STORED_COLUMNS.join(', ');
    const changed = COMPARED_COLUMNS.map((c) => `trademark_records.${c} IS DISTINCT FROM excluded.${c}`).join('\n          OR ');
    await copyInto(transaction, 'trademark_records_staging', RECORD_COLUMN_NAMES, batch.records);
    await copyInto(transaction, 'trademark_analyses_staging', ANALYSIS_COLUMN_NAMES, batch.analyses);
    const written = await sequelize.query<{ inserted: boolean }>(
      `WITH src AS MATERIALIZED (
         SELECT DISTINCT ON (serial_number) ${columns}, a.analysis FROM trademark_records_staging s LEFT JOIN trademark_analyses_staging a ON a.record_id = s.id
          ORDER BY serial_number, status_date DESC NULLS LAST, seq DESC
       ), written AS (
         INSERT INTO trademark_records AS trademark_records (${columns})
           SELECT ${columns} FROM src
         ON CONFLICT (serial_number) DO UPDATE SET
           ${[...COMPARED_COLUMNS, 'source'].map((c) => `${c} = excluded.${c}`).join(', ')},
           updated_at = now()
         WHERE COALESCE(excluded.status_date, '-infinity'::date) >= COALESCE(trademark_records.status_date, '-infinity'::date)
           AND (${changed})
         RETURNING id, serial_number, (xmax = 0) AS inserted
       ), analysed AS (
         INSERT INTO trademark_mark_analyses (record_id, version, analysis)
           SELECT w.id, ${ANALYZER_VERSION}, s.analysis FROM written w JOIN src s USING (serial_number) WHERE s.analysis IS NOT NULL
         ON CONFLICT (record_id) DO UPDATE SET version = excluded.version, analysis = excluded.analysis
       ), cleared AS (
         DELETE FROM trademark_mark_analyses a USING written w JOIN src s USING (serial_number)
          WHERE a.record_id = w.id AND s.analysis IS NULL AND NOT w.inserted
       )
       SELECT inserted FROM written`,
      { transaction, type: QueryTypes.SELECT },
    );
    // A bulk run's next batch reuses the table (created in this transaction, so TRUNCATE empties its file in place).
    if (reuseStaging) await sequelize.query('TRUNCATE trademark_records_staging, trademark_analyses_staging', { transaction });
    const inserted = written.filter((w) => w.inserted).length;
    const updated = written.length - inserted;
    // A serial number repeated within the batch counts its superseded occurrences as unchanged.
    return { inserted, updated, unchanged: batch.count - written.length };
  }

  /**
   * After a bulk import: moves the pending lists of the registry's GIN indexes (fastupdate) into
   * the indexes, which every index scan of a search otherwise reads through until autovacuum
   * gets there, and analyzes the registry tables, through trademark_records_settle() (as the
   * tables' owner), with the batch timeout. Returns the pending-list pages moved.
   */
  async settleIndexes(): Promise<number> {
    const sequelize = this.sequelizeOf();
    return sequelize.transaction(async (transaction) => {
      await sequelize.query(`SET LOCAL statement_timeout = '${BATCH_STATEMENT_TIMEOUT}'`, { transaction });
      const [row] = await sequelize.query<{ pages: string }>('SELECT trademark_records_settle() AS pages', { type: QueryTypes.SELECT, transaction });
      return Number(row?.pages ?? 0);
    });
  }

  /**
   * Records whose analysis is missing or of another version than ANALYZER_VERSION (records
   * without a mark need none), after `afterId` in id order: the next batch of a reanalysis. With
   * the batch timeout: where few records are left among many, the walk to them takes seconds.
   */
  async recordsToReanalyze(afterId: string | null, limit: number): Promise<Array<{ id: string; mark: string }>> {
    return this.reanalysisScan(false, (sequelize, transaction) =>
      sequelize.query<{ id: string; mark: string }>(
        `SELECT r.id, r.mark FROM trademark_records r
          WHERE r.id > $1::uuid AND r.mark ~ '\\S'
            AND NOT EXISTS (SELECT 1 FROM trademark_mark_analyses a WHERE a.record_id = r.id AND a.version = $2)
          ORDER BY r.id LIMIT $3`,
        { bind: [afterId ?? '00000000-0000-0000-0000-000000000000', ANALYZER_VERSION, limit], type: QueryTypes.SELECT, transaction },
      ),
    );
  }

  /**
   * Whether recordsToReanalyze would return anything (the check of every `registry-reanalyze`
   * tick). A current registry has no record to stop at, so both tables are read through: as a
   * hash anti-join of two sequential scans (about 1.2 s for 1,000,000 records), not the merge of
   * the two uuid primary keys the planner picks for EXISTS (random heap reads, 9 to 12 s).
   */
  async anyToReanalyze(): Promise<boolean> {
    const [row] = await this.reanalysisScan(true, (sequelize, transaction) =>
      sequelize.query<{ any: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM trademark_records r
                         WHERE r.mark ~ '\\S' AND NOT EXISTS (SELECT 1 FROM trademark_mark_analyses a WHERE a.record_id = r.id AND a.version = $1)) AS any`,
        { bind: [ANALYZER_VERSION], type: QueryTypes.SELECT, transaction },
      ),
    );
    return row?.any === true;
  }

  /** How many records recordsToReanalyze would still return from the start. */
  async countToReanalyze(): Promise<number> {
    const [row] = await this.reanalysisScan(true, (sequelize, transaction) =>
      sequelize.query<{ n: string }>(
        `SELECT count(*) AS n FROM trademark_records r
          WHERE r.mark ~ '\\S' AND NOT EXISTS (SELECT 1 FROM trademark_mark_analyses a WHERE a.record_id = r.id AND a.version = $1)`,
        { bind: [ANALYZER_VERSION], type: QueryTypes.SELECT, transaction },
      ),
    );
    return Number(row?.n ?? 0);
  }

  /**
   * A read of the whole registry for a reanalysis, in a read-only transaction with the batch
   * statement timeout (the application's 1 s default would fail it on a large registry) and,
   * with `sequential`, without index scans, so the anti-join is a hash of sequential scans.
   */
  private reanalysisScan<T>(sequential: boolean, read: (sequelize: Sequelize, transaction: Transaction) => Promise<T>): Promise<T> {
    const sequelize = this.sequelizeOf();
    return sequelize.transaction({ readOnly: true }, async (transaction) => {
      await sequelize.query(`SET LOCAL statement_timeout = '${BATCH_STATEMENT_TIMEOUT}'`, { transaction });
      if (sequential) await sequelize.query('SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off; SET LOCAL enable_bitmapscan = off', { transaction });
      return read(sequelize, transaction);
    });
  }

  /**
   * Stores recomputed analyses in one transaction: the analysis rows (ANALYZER_VERSION), and the
   * record's normalized mark and search keys where the current rules give other ones (the key
   * counts follow through their triggers). Returns how many records were re-keyed.
   */
  async storeAnalyses(rows: readonly RecordAnalysis[]): Promise<{ rekeyed: number }> {
    if (rows.length === 0) return { rekeyed: 0 };
    const sequelize = this.sequelizeOf();
    return sequelize.transaction(async (transaction) => {
      await sequelize.query(`SET LOCAL statement_timeout = '${BATCH_STATEMENT_TIMEOUT}'`, { transaction });
      const ids = rows.map((r) => r.id);
      const rekeyed = await sequelize.query<{ id: string }>(
        `UPDATE trademark_records r SET normalized_mark = v.normalized_mark, phonetic_keys = v.keys::text[], lookalike_keys = v.lookalike::text[]
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS v(id, normalized_mark, keys, lookalike)
          WHERE r.id = v.id
            AND (r.normalized_mark IS DISTINCT FROM v.normalized_mark OR r.phonetic_keys IS DISTINCT FROM v.keys::text[]
                 OR r.lookalike_keys IS DISTINCT FROM v.lookalike::text[])
         RETURNING r.id`,
        {
          bind: [ids, rows.map((r) => r.normalizedMark), rows.map((r) => arrayLiteral(r.phoneticKeys)), rows.map((r) => (r.lookalikeKeys ? arrayLiteral(r.lookalikeKeys) : null))],
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      await sequelize.query(
        `INSERT INTO trademark_mark_analyses (record_id, version, analysis)
           SELECT id, $2, analysis FROM unnest($1::uuid[], $3::text[]) AS v(id, analysis) ORDER BY id
         ON CONFLICT (record_id) DO UPDATE SET version = excluded.version, analysis = excluded.analysis`,
        { bind: [ids, ANALYZER_VERSION, rows.map((r) => r.analysis)], transaction },
      );
      return { rekeyed: rekeyed.length };
    });
  }

  private sequelizeOf() {
    const sequelize = this.records.sequelize;
    if (!sequelize) throw new Error('TrademarkRecord is not registered with a connection');
    return sequelize;
  }
}
