import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { literal, Op, QueryTypes, type Sequelize, type WhereOptions } from 'sequelize';
import { ReadReplicas, type DbTransaction } from '@app/database';
import { decodeCursor, encodeCursor, KEYSET_AFTER_SQL, KEYSET_CREATED_AT_SQL, type Page } from '@app/common';
import { TrademarkLog } from './models/trademark-log.model';
import { abbreviationsOf, ANALYZER_VERSION, type AnalyzedMark, LOOKALIKE_MAX_LETTERS, WORD_KEY_MIN_LETTERS, WORD_KEY_PREFIX, wholeWordKeys, wordLookalikeKeys } from './analyzer';
import { INITIALS_KEY_PREFIX, markWords, MEANING_KEY_PREFIX, phoneticCode, singularWord, STOP_WORDS } from './normalize';
import { TrademarkSearch } from './models/trademark-search.model';
import type { PreparedQuery } from './scoring.util';
import type { Candidate, RiskLevel, ScoredResult, SearchHistoryItem, SearchOutcome, StatusFilter } from './search.types';

/** Trigram similarity a record needs to be a look-alike candidate (pg_trgm's `%`), for short marks. */
export const TRIGRAM_THRESHOLD = 0.3;

/**
 * The look-alike threshold for a query. One changed letter costs a short mark a large share of
 * its trigrams (LYSIS and LYZIS: 0.33) but a long one only a small share (KESTREL FOODS and
 * KSETREL FOODS: 0.6), while a long query at 0.3 matches tens of thousands of marks that merely
 * share a few letter groups. So the threshold rises with the length of the letters, from 0.3
 * (up to 8 letters) to 0.45 (over 16): a typo or two stays a candidate at every length.
 */
export function trigramThreshold(normalized: string): number {
  const letters = normalized.replace(/ /g, '').length;
  if (letters <= 8) return TRIGRAM_THRESHOLD;
  if (letters <= 12) return 0.35;
  if (letters <= 16) return 0.4;
  return 0.45;
}

/**
 * A search key shared by more records than this is too common to be a candidate signal on its own
 * (a dictionary word such as SPORTS or GROUP, or a short sound code): its branch would read and
 * rank every one of those records for each search. Marks sharing such a word still arrive through
 * trigram similarity and the query's rarer words, and are scored with the same rules. An absolute
 * count, not a share of the registry, because it bounds the rows a search reads.
 */
export const COMMON_KEY_RECORDS = 3_000;

/** One word of a query of several words, with the keys that find records sharing a look-alike of it. */
export interface LookalikeWord {
  word: string;
  /** Sound code of its singular: its trademark_key_stats count tells whether the word is crowded. */
  code: string;
  /** `~` keys (wordLookalikeKeys): the records with a look-alike word among others. */
  wordKeys: string[];
  /** Whole-mark keys of the word alone (wholeWordKeys): the records that are a look-alike of this word alone. */
  markKeys: string[];
}

export interface CandidateQuery {
  normalized: string;
  keys: string[];
  /** The query's whole-mark look-alike keys (analyzer lookalikeKeys less the `~` word keys). */
  lookalikeKeys?: string[];
  /**
   * Of lookalikeKeys, the query's own forms (ownFormKeysOf): the records carrying one are the
   * query itself or it with one letter more, the closest look-alikes, which get a branch of their
   * own so that a crowd of other look-alikes cannot fill the whole-mark branch's bounded read.
   */
  ownKeys?: string[];
  /** Each content word's look-alike keys (lookalikeWordsOf): one or two words per branch instead of a trigram scan. */
  lookalikeWords?: LookalikeWord[];
  /** Of lookalikeWords, those too crowded for a branch of their own (distinctiveSignals sets it). */
  crowdedWords?: string[];
  /** Distinctive words (4+ letters) a compound mark may contain (LIVINGREEN contains GREEN). */
  words: string[];
  /**
   * Whole marks a record may be exactly (exactMarksOf): for a query of several words, its initials
   * (also less one word) and its two-letter words, so that SILVER PINE FOODS meets the record SP
   * and KE BREWING the record KE.
   */
  exactMarks?: string[];
  /** Of the query's initials and meaning keys, those too crowded for a branch of their own (distinctiveSignals sets it). */
  crowdedExactKeys?: string[];
  classes: number[];
  status: StatusFilter;
  /** Candidates per signal (CANDIDATES_PER_SIGNAL by default). */
  perSignal?: number;
}

interface CandidateRow {
  serial_number: string;
  registration_number: string | null;
  mark: string | null;
  status_code: string | null;
  live: boolean;
  classes: number[];
  owner: string | null;
  filing_date: string | null;
  normalized_mark: string;
  phonetic_keys: string[];
  trigram: number;
  analysis: string | null;
}

export interface NewSearch {
  userId: string;
  query: string;
  normalizedQuery: string;
  classes: number[];
  status: StatusFilter;
  results: ScoredResult[];
  risk: RiskLevel;
  tookMs: number;
}

/** The candidate query of a prepared query (the search's, a watch's, the quality bench's). */
export function candidateQueryOf(query: PreparedQuery, classes: number[], status: StatusFilter): CandidateQuery {
  return {
    normalized: query.normalized,
    keys: query.keys,
    lookalikeKeys: wholeMarkKeysOf(query),
    ownKeys: ownFormKeysOf(query),
    lookalikeWords: lookalikeWordsOf(query.words),
    words: containmentWords(query.words),
    exactMarks: exactMarksOf(query.analysis),
    classes,
    status,
  };
}

/**
 * The whole marks a record may be exactly, for a query of several words: its initials (and those
 * of the query less its last word, abbreviationsOf: CHOODRER SYSTEMS BREWING meets CS) and its words of two letters (KE
 * BREWING meets KE; a word of three letters or more meets the record that is that word through
 * its whole-word look-alike keys already). An initials record shares no word and no sound with
 * the long mark, and hundreds of records share its `#` key: only an exact lookup finds it.
 */
export function exactMarksOf(analysis: Pick<AnalyzedMark, 'normalized' | 'words'>): string[] {
  const all = markWords(analysis.normalized);
  if (all.length < 2) return [];
  return [...new Set([...abbreviationsOf(analysis.words), ...all.filter((w) => w.length === 2)])];
}

/** The words worth a containment branch: distinctive (no stop words), singular, 4+ letters, at most 5. */
export function containmentWords(words: readonly string[]): string[] {
  return [...new Set(words.filter((w) => !STOP_WORDS.has(w)).map(singularWord))].filter((w) => w.length >= 4).slice(0, 5);
}

/**
 * The whole-mark look-alike keys a query asks for: its own (lookalikeKeys less the `~` word keys);
 * for a mark of several words too long for whole-mark deletion keys, also the deletions of its
 * compact form, so that STORM VALES meets the single word STORMVALE one letter shorter (the record
 * side stores a long mark of several words by its compact form alone); for a long single word, its
 * compact form less a short suffix.
 */
export function wholeMarkKeysOf(query: Pick<PreparedQuery, 'lookalikeKeys' | 'words' | 'compact'>): string[] {
  const keys = new Set(query.lookalikeKeys.filter((key) => !key.startsWith(WORD_KEY_PREFIX)));
  if (query.words.length > 1 && query.compact.length > LOOKALIKE_MAX_LETTERS + 1) for (const key of wholeWordKeys(query.compact)) keys.add(key);
  // A compound with a suffix of its own (SILVERPINEER, PRIMEFRESHER) meets the split mark it
  // comes from (SILVER PINE, stored by its compact form) by the compound less its last two or
  // three letters (less one is a deletion key already).
  if (query.words.length === 1 && query.compact.length >= COMPOUND_SUFFIX_MIN_LETTERS) {
    for (const cut of [2, 3]) if (query.compact.length - cut >= COMPOUND_SUFFIX_MIN_LETTERS - 2) keys.add(query.compact.slice(0, -cut));
  }
  return [...keys];
}

/**
 * The query's own forms among its whole-mark look-alike keys: its compact form and its visual
 * form (digits as letters), each a key of every record that is the query or the query with one
 * letter more (a record's deletion neighbourhood holds its own form less each letter).
 */
export function ownFormKeysOf(query: Pick<PreparedQuery, 'lookalikeKeys' | 'words' | 'compact' | 'analysis'>): string[] {
  const keys = new Set(wholeMarkKeysOf(query));
  return [...new Set([query.compact, query.analysis.visual])].filter((form) => keys.has(form));
}

/** A one-word query of this many letters or more also looks up its compact form less a 2- or 3-letter suffix (wholeMarkKeysOf). */
export const COMPOUND_SUFFIX_MIN_LETTERS = 8;

/** Most words of a query that get look-alike branches (a query of more words is rare, and its first words carry it). */
export const LOOKALIKE_WORDS = 4;

/**
 * The words of a query worth look-alike branches: distinct content words (no stop words) of
 * WORD_KEY_MIN_LETTERS or more, at most LOOKALIKE_WORDS, with their keys. Also for a one-word query,
 * whose word keys find the records of several words that contain a look-alike of it.
 */
export function lookalikeWordsOf(words: readonly string[]): LookalikeWord[] {
  const distinct = [...new Set(words.filter((w) => !STOP_WORDS.has(w) && w.length >= WORD_KEY_MIN_LETTERS))].slice(0, LOOKALIKE_WORDS);
  return distinct.map((word) => ({ word, code: phoneticCode(singularWord(word)), wordKeys: wordLookalikeKeys(word), markKeys: wholeWordKeys(word) }));
}

/**
 * The signals worth a branch, given how many records carry each search key (`trademark_key_stats`):
 * keys carried by at most COMMON_KEY_RECORDS records, and the containment words whose own sound
 * code (of the singular) is that rare. A key no record carries counts as rare (it costs nothing).
 */
export function distinctiveSignals(
  query: Pick<CandidateQuery, 'keys' | 'words' | 'lookalikeWords'>,
  keyRecords: ReadonlyMap<string, number>,
): { keys: string[]; words: string[]; crowdedWords: string[]; crowdedExactKeys: string[] } {
  const rare = (key: string): boolean => (keyRecords.get(key) ?? 0) <= COMMON_KEY_RECORDS;
  return {
    keys: query.keys.filter(rare),
    words: query.words.filter((word) => rare(phoneticCode(singularWord(word)))),
    crowdedWords: (query.lookalikeWords ?? []).filter((w) => !rare(w.code)).map((w) => w.word),
    crowdedExactKeys: query.keys.filter((key) => isExactKey(key) && !rare(key)),
  };
}

/** Candidates each signal may contribute before the merge (keeps one signal from crowding out the others). */
export const CANDIDATES_PER_SIGNAL = 200;

/**
 * Rows a look-alike branch may read before it ranks them (an inner LIMIT before the ORDER BY): a
 * bound on the work of one branch whatever the registry holds, so that no search can run into the
 * statement timeout. A branch of a rare word or of two words together meets far fewer rows; a
 * trigram scan's recheck stops here too.
 */
export const BRANCH_SCAN_ROWS = 1_000;

/**
 * Whether a query needs the trigram scan for its look-alikes: only when it has no look-alike keys
 * at all (no whole-mark keys and no word of WORD_KEY_MIN_LETTERS letters). Every other query finds
 * its look-alikes by exact key lookups: the whole mark's deletion keys (a short mark, or one word
 * of any length), and per word (a look-alike word alone, with another of the query's words, or
 * as the whole of a record); sound-alikes, shared words, initials and concepts come from the
 * phonetic keys. The trigram scan of a long mark of common words read thousands of rows (1.87 s
 * for KESTREL FOODS S.A. at 1M records).
 */
export function needsTrigramScan(query: Pick<CandidateQuery, 'lookalikeKeys' | 'lookalikeWords'>): boolean {
  return (query.lookalikeKeys ?? []).length === 0 && (query.lookalikeWords ?? []).length === 0;
}

/** An initials (#) or meaning (=) key: a match says more than a shared sound, and has no trigram similarity to rank it by. */
function isExactKey(key: string): boolean {
  return key.startsWith(INITIALS_KEY_PREFIX) || key.startsWith(MEANING_KEY_PREFIX);
}

/** Pairs of look-alike words (of the first three) that get a branch of their own, at most. */
const WORD_PAIRS = 3;

/**
 * The candidate query. One branch per signal, each served by a GIN index (keys and classes,
 * look-alike keys, or trigrams) and pre-ranked (same class, live, similarity) with its own limit,
 * then merged and deduplicated:
 *
 * - phonetic key overlap `&&` (sound codes of the words and of the whole mark, rare ones only);
 * - initials and meaning keys; a crowded one only among the records in the searched classes;
 * - the records that are exactly the initials or a two-letter word of a query of several words
 *   (exactMarksOf);
 * - the whole mark's look-alike keys `&&` (a short mark, or a single word of any length), reading
 *   at most COMMON_KEY_RECORDS rows, and its own forms' keys (ownKeys: the records that are the
 *   query or it with one letter more) in a branch of their own;
 * - per look-alike word (lookalikeWords) that is not crowded: its `~` word keys, and for a query of
 *   several words also the word's whole-mark keys (the records that are that word alone);
 * - for a query of several words with a crowded word: each pair of words (one of them crowded)
 *   together, by their `~` keys (`&& a AND && b`, a GIN bitmap AND that reads a handful of rows)
 *   and by their sound codes (`@>`), and the records that are exactly one of the crowded words;
 * - each distinctive word contained in the mark (LIKE), reading at most COMMON_KEY_RECORDS rows;
 * - the trigram scan (`%`) only for a query with no look-alike keys at all (needsTrigramScan).
 *
 * Branches rather than one OR: the planner prices an OR of several GIN scans above a sequential
 * scan, and a per-signal limit keeps a common word from crowding out the others. Every branch but
 * the two of phonetic keys (rare ones only) reads a bounded number of rows before ranking:
 * BRANCH_SCAN_ROWS, or COMMON_KEY_RECORDS for the whole-mark look-alikes and the containment words.
 * Bind parameters: $1 normalized query, $2 sound keys, $3 classes, $4 per-signal limit, then the
 * rest in the order of the branches. The merged candidates carry their stored analysis (of
 * ANALYZER_VERSION) when they have one.
 */
export function candidateSql(query: CandidateQuery): {
  sql: string;
  bind: unknown[];
} {
  // Initials and meaning keys get a branch of their own: among the hundreds of records sharing a
  // word's sound, the few that share the query's initials or concept would lose the per-signal
  // places to pre-ranking by trigram similarity, which initials and translations do not have.
  const exact = query.keys.filter(isExactKey);
  const bind: unknown[] = [query.normalized, query.keys.filter((k) => !isExactKey(k)), query.classes, query.perSignal ?? CANDIDATES_PER_SIGNAL];
  const param = (value: unknown): string => {
    bind.push(value);
    return `$${bind.length}`;
  };
  const signals: Array<{ where: string; bounded: boolean; scanRows?: number }> = [{ where: 'r.phonetic_keys && $2::text[]', bounded: false }];
  if (needsTrigramScan(query)) signals.push({ where: 'r.normalized_mark % $1', bounded: true });
  if (exact.length > 0) signals.push({ where: `r.phonetic_keys && ${param(exact)}::text[]`, bounded: false });
  // A crowded initialism or concept (SP: the initials of thousands of records in a large registry)
  // is read only among the records in the searched classes, where the ranking looks first: one scan
  // of the index over keys and classes together (202612080100), never a BitmapAnd with a class's
  // bitmap of hundreds of thousands of records.
  if ((query.crowdedExactKeys ?? []).length > 0 && query.classes.length > 0) {
    signals.push({ where: `r.phonetic_keys && ${param(query.crowdedExactKeys)}::text[] AND r.classes && $3::int[]`, bounded: true });
  }
  // The records that are exactly the query's initials or one of its two-letter words (exactMarksOf),
  // found by their whole-mark look-alike key (a mark's own compact form is one of its keys).
  if ((query.exactMarks ?? []).length > 0) {
    const at = param(query.exactMarks);
    signals.push({ where: `r.lookalike_keys && ${at}::text[] AND r.normalized_mark = ANY(${at}::text[])`, bounded: true });
  }
  // The whole mark's look-alikes read at most COMMON_KEY_RECORDS rows: the same mark filed by
  // thousands (MINT and MIST 7,800 times each at 5,000,000 records) made this branch read and rank
  // 15,700 rows (120-190 ms) for MINT. The records that are the query or it with one letter more
  // (its own forms' keys) get a branch of their own, bounded like the word branches, and the
  // others are read without those keys: the 8,000 RIVERs (own key RIVR) then cannot fill the
  // bounded read of the query RIVR and hide RIVU (key RIV), which scores 92 against their 62.
  const lookalikeKeys = query.lookalikeKeys ?? [];
  const own = (query.ownKeys ?? []).filter((key) => lookalikeKeys.includes(key));
  const others = lookalikeKeys.filter((key) => !own.includes(key));
  if (others.length > 0) signals.push({ where: `r.lookalike_keys && ${param(others)}::text[]`, bounded: true, scanRows: COMMON_KEY_RECORDS });
  if (own.length > 0) signals.push({ where: `r.lookalike_keys && ${param(own)}::text[]`, bounded: true });
  const words = query.lookalikeWords ?? [];
  const several = words.length > 1;
  const crowded = new Set(query.crowdedWords ?? []);
  for (const word of words) {
    if (crowded.has(word.word)) continue;
    const keys = several ? [...word.wordKeys, ...word.markKeys] : word.wordKeys;
    if (keys.length > 0) signals.push({ where: `r.lookalike_keys && ${param(keys)}::text[]`, bounded: true });
  }
  if (several && crowded.size > 0) {
    // A crowded word alone is a common mark: only the records that are exactly that word (not its
    // one-letter variants, mostly other words: CRANE -> CANE, CRAN) are worth reading here.
    const crowdedMarkKeys = words.filter((w) => crowded.has(w.word)).flatMap((w) => w.markKeys.filter((key) => key.length === w.word.length));
    if (crowdedMarkKeys.length > 0) signals.push({ where: `r.lookalike_keys && ${param(crowdedMarkKeys)}::text[]`, bounded: true });
    const wordKeyParams = new Map<string, string>();
    const wordKeysOf = (w: LookalikeWord): string => {
      let at = wordKeyParams.get(w.word);
      if (at === undefined) wordKeyParams.set(w.word, (at = param(w.wordKeys)));
      return at;
    };
    const first = words.slice(0, 3);
    const pairs: Array<[LookalikeWord, LookalikeWord]> = [];
    for (let i = 0; i < first.length; i++) for (let j = i + 1; j < first.length; j++) if (crowded.has(first[i].word) || crowded.has(first[j].word)) pairs.push([first[i], first[j]]);
    for (const [a, b] of pairs.slice(0, WORD_PAIRS)) {
      if (a.wordKeys.length > 0 && b.wordKeys.length > 0) {
        signals.push({ where: `r.lookalike_keys && ${wordKeysOf(a)}::text[] AND r.lookalike_keys && ${wordKeysOf(b)}::text[]`, bounded: true });
      }
      if (a.code.length >= 2 && b.code.length >= 2 && a.code !== b.code) {
        signals.push({ where: `r.phonetic_keys @> ${param([a.code, b.code])}::text[]`, bounded: true });
      }
    }
  }
  // A containment word is distinctive by its sound code's count, but a code too short to be a
  // stored key has no count (HAWK is K): the branch reads at most COMMON_KEY_RECORDS rows, all of a
  // word as rare as the counts allow (LIKE '%hawk%' read 24,000 rows, 190 ms, at 5,000,000 records).
  for (const word of query.words) signals.push({ where: `r.normalized_mark LIKE ${param(`%${word}%`)}`, bounded: true, scanRows: COMMON_KEY_RECORDS });
  const status = query.status === 'live' ? 'AND r.live' : query.status === 'dead' ? 'AND NOT r.live' : '';
  const preRank = `(r.classes && $3::int[]) DESC, r.live DESC, similarity(r.normalized_mark, $1) DESC, r.serial_number`;
  const columns = 'r.id, r.serial_number, r.registration_number, r.mark, r.status_code, r.live, r.classes, r.owner, r.filing_date, r.normalized_mark, r.phonetic_keys';
  const branches = signals.map(({ where, bounded, scanRows }) => {
    // A bounded branch ranks at most BRANCH_SCAN_ROWS of its rows (or its own scanRows), the first the index yields.
    const from = bounded
      ? `(SELECT ${columns} FROM trademark_records r WHERE ${where} ${status} LIMIT ${scanRows ?? BRANCH_SCAN_ROWS}) r`
      : `trademark_records r WHERE ${where} ${status}`;
    return `(
      SELECT ${columns}, similarity(r.normalized_mark, $1) AS trigram
        FROM ${from}
       ORDER BY ${preRank}
       LIMIT $4)`;
  });
  // The stored analyses are joined for the merged candidates only (by primary key), never scanned.
  const sql = `
    SELECT d.*, a.analysis
      FROM (SELECT DISTINCT ON (c.serial_number)
                   c.id, c.serial_number, c.registration_number, c.mark, c.status_code, c.live, c.classes, c.owner,
                   to_char(c.filing_date, 'YYYY-MM-DD') AS filing_date, c.normalized_mark, c.phonetic_keys, c.trigram
              FROM (${branches.join('\n      UNION ALL ')}) c
             ORDER BY c.serial_number) d
      LEFT JOIN trademark_mark_analyses a ON a.record_id = d.id AND a.version = ${ANALYZER_VERSION}
     ORDER BY d.serial_number`;
  return { sql, bind };
}

function toHistoryItem(row: TrademarkSearch): SearchHistoryItem {
  return {
    id: row.id,
    query: row.query,
    classes: row.classes,
    status: ((row.filters as { status?: StatusFilter }).status ?? 'all') as StatusFilter,
    risk: row.risk as RiskLevel,
    resultCount: row.resultCount,
    tookMs: row.tookMs,
    createdAt: row.createdAt,
  };
}

function toOutcome(row: TrademarkSearch): SearchOutcome {
  return {
    ...toHistoryItem(row),
    normalizedQuery: row.normalizedQuery,
    results: row.results as ScoredResult[],
  };
}

/** trademark_records (read for candidates), trademark_searches and trademark_logs. */
/**
 * The candidate query on a given connection, in the caller's transaction (the similarity
 * threshold is set for that transaction only). Shared by the repository and the quality bench,
 * so the bench measures exactly what the API runs.
 */
export async function queryCandidates(sequelize: Sequelize, query: CandidateQuery, transaction: DbTransaction): Promise<Candidate[]> {
  return (await queryCandidatesWithStats(sequelize, query, transaction)).candidates;
}

/** queryCandidates, with how many records carry each of the query's keys (the registry statistics the scoring reads). */
export async function queryCandidatesWithStats(
  sequelize: Sequelize,
  query: CandidateQuery,
  transaction: DbTransaction,
): Promise<{ candidates: Candidate[]; keyRecords: Map<string, number> }> {
  // One round trip: the look-alike threshold for this transaction, and how common each key is.
  // Sequential scans off for the candidate query: every branch is served by an index, but under a
  // bounded branch's inner LIMIT (BRANCH_SCAN_ROWS) the planner, misjudging how many rows share an
  // array key, may prefer a sequential scan that stops early, and then reads the whole table when
  // few rows match (seconds, not milliseconds). JIT and parallel workers off too: in a registry of
  // millions the branches' estimated costs pass jit_above_cost and the parallel thresholds, and
  // compiling the plan took 75-140 ms of a 150-250 ms query at 5,000,000 records, starting the
  // parallel workers of each branch some 20-70 ms more, for a query that reads a few thousand rows
  // by index (and runs beside other searches). Restored after the query for the caller's transaction.
  const [settings] = await sequelize.query<{ records: Record<string, number>; seqscan: string; jit: string; parallel: string }>(
    `SELECT set_config('pg_trgm.similarity_threshold', $1, true) AS threshold,
            current_setting('enable_seqscan') AS seqscan, set_config('enable_seqscan', 'off', true) AS off,
            current_setting('jit') AS jit, set_config('jit', 'off', true) AS jit_off,
            current_setting('max_parallel_workers_per_gather') AS parallel, set_config('max_parallel_workers_per_gather', '0', true) AS parallel_off,
            COALESCE((SELECT json_object_agg(key, records) FROM trademark_key_stats WHERE key = ANY($2::text[])), '{}') AS records`,
    { bind: [String(trigramThreshold(query.normalized)), query.keys], type: QueryTypes.SELECT, transaction },
  );
  const keyRecords = new Map(Object.entries(settings?.records ?? {}).map(([key, n]) => [key, Number(n)]));
  const signals = distinctiveSignals(query, keyRecords);
  const { sql, bind } = candidateSql({ ...query, ...signals });
  const rows = await sequelize.query<CandidateRow>(sql, { bind, type: QueryTypes.SELECT, transaction });
  await sequelize.query(`SELECT set_config('enable_seqscan', $1, true), set_config('jit', $2, true), set_config('max_parallel_workers_per_gather', $3, true)`, {
    bind: [settings?.seqscan ?? 'on', settings?.jit ?? 'on', settings?.parallel ?? '2'],
    type: QueryTypes.SELECT,
    transaction,
  });
  const candidates = rows.map((row) => ({
    record: {
      serialNumber: row.serial_number,
      registrationNumber: row.registration_number,
      mark: row.mark,
      status: row.status_code,
      live: row.live,
      classes: row.classes,
      owner: row.owner,
      filingDate: row.filing_date,
    },
    normalizedMark: row.normalized_mark ?? '',
    phoneticKeys: row.phonetic_keys,
    trigram: Number(row.trigram),
    analysis: row.analysis,
  }));
  return { candidates, keyRecords };
}

@Injectable()
export class TrademarkSearchRepository {
  constructor(
    @InjectModel(TrademarkSearch)
    private readonly searches: typeof TrademarkSearch,
    @InjectModel(TrademarkLog) private readonly logs: typeof TrademarkLog,
    private readonly replicas: ReadReplicas,
  ) {}

  /**
   * Candidates and the registry statistics of the query's keys (trademark_key_stats). Inside the
   * given transaction (on the primary), or else, as a read that tolerates lag (a registry a few
   * seconds old ranks the same), on a read replica when one is in rotation.
   */
  async findCandidatesWithStats(
    query: CandidateQuery,
    transaction?: DbTransaction,
  ): Promise<{ candidates: Candidate[]; keyRecords: Map<string, number> }> {
    const sequelize = this.searches.sequelize;
    if (!sequelize) throw new Error('TrademarkSearch model is not initialised');
    if (transaction) return queryCandidatesWithStats(sequelize, query, transaction);
    return this.replicas.read((readTransaction) => queryCandidatesWithStats(sequelize, query, readTransaction));
  }

  /** Stores a search with its results snapshot and logs it, in the caller's transaction. */
  async saveSearch(input: NewSearch, transaction: DbTransaction): Promise<SearchOutcome> {
    const row = await this.searches.create(
      {
        userId: input.userId,
        query: input.query,
        normalizedQuery: input.normalizedQuery,
        classes: input.classes,
        filters: { status: input.status },
        results: input.results,
        resultCount: input.results.length,
        risk: input.risk,
        tookMs: input.tookMs,
      },
      { transaction },
    );
    await this.logs.create(
      {
        userId: input.userId,
        action: 'search.create',
        entityType: 'trademark_search',
        entityId: row.id,
        details: {
          query: input.query,
          classes: input.classes,
          status: input.status,
          resultCount: input.results.length,
          risk: input.risk,
        },
      },
      { transaction },
    );
    return toOutcome(row);
  }

  /** A user's searches, newest first, keyset-paginated on (created_at, id). */
  async listForUser(userId: string, limit: number, cursor: string | undefined): Promise<Page<SearchHistoryItem>> {
    const after = decodeCursor(cursor);
    const conditions: WhereOptions[] = [{ userId }];
    if (after) conditions.push(literal(KEYSET_AFTER_SQL));
    const rows = await this.searches.findAll({
      attributes: {
        exclude: ['results'],
        include: [[literal(KEYSET_CREATED_AT_SQL), 'cursorCreatedAt']],
      },
      where: { [Op.and]: conditions },
      order: [
        ['createdAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: limit + 1,
      ...(after
        ? {
            replacements: {
              afterCreatedAt: after.createdAt,
              afterId: after.id,
            },
          }
        : {}),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(toHistoryItem),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({
              createdAt: last.get('cursorCreatedAt') as string,
              id: last.id,
            })
          : null,
    };
  }

  /** One search of the user, or null (also for another user's search or a malformed id). */
  async findForUser(userId: string, id: string): Promise<SearchOutcome | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const row = await this.searches.findOne({ where: { id, userId } });
    return row ? toOutcome(row) : null;
  }
}
