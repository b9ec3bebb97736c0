import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { QueryTypes } from 'sequelize';
import type { KeysetPosition } from '@app/common';
import { findKeysetPage, PreparedStatements, type DbTransaction } from '@app/database';
import type { CopyrightStatus } from './copyright-lifecycle';
import type { ContentKind } from './content/content-analyzer';
import { packFingerprints } from './content/fingerprint-pack';
import { distinctSorted } from './content/hash-set';
import type { WorthComparingTerms } from './content/matching';
import type { TextFingerprint } from './content/winnowing';
import { CopyrightContent } from './models/copyright-content.model';
import { CopyrightMatch } from './models/copyright-match.model';

export interface ContentRecord {
  id: string;
  copyrightId: string;
  uploadedBy: string | null;
  filename: string | null;
  mediaType: string;
  kind: ContentKind;
  sizeBytes: number;
  sha256: string;
  tokenCount: number | null;
  fingerprintCount: number;
  fingerprintsTruncated: boolean;
  /** Signed int8 as PostgreSQL keeps it. */
  phash: bigint | null;
  dhash: bigint | null;
  width: number | null;
  height: number | null;
  storedCopy: string | null;
  createdAt: Date;
}

export type ContentWrite = Omit<ContentRecord, 'id' | 'createdAt'> & {
  phashBands: number[] | null;
  dhashBands: number[] | null;
};

/** A content found by a lookup, with its work as matching needs it (owner included: never shown to other users). */
export interface CandidateContent {
  contentId: string;
  copyrightId: string;
  ownerId: string;
  status: CopyrightStatus;
  title: string;
  registrationNumber: string | null;
  kind: ContentKind;
  fingerprintCount: number;
  phash: bigint | null;
  dhash: bigint | null;
}

/** A text candidate: the index hashes it shares with the upload, and its packed fingerprint set when the lookup fetched it. */
export type TextCandidate = CandidateContent & { shared: number; fingerprints: Buffer | null };

/**
 * Which text candidates' whole fingerprint sets a lookup returns with them: those with
 * `shared >= max(minShared, floor(min(uploadIndexHashes, fingerprint_count * indexPerFingerprint) / 2^level * share) - 1)`,
 * level being the larger of `uploadLevel` and the candidate's (the number of `levelFrom` bounds
 * its fingerprint_count reaches: integers, compared exactly). The caller's rule, applied in SQL
 * one shared hash below it so that float rounding never withholds a set the caller's own test
 * would compare; the caller decides on what it gets.
 */
export type SetFetchRule = WorthComparingTerms;

export interface TextLookup {
  hashes: ArrayLike<number>;
  perHash: number;
  minShared: number;
  limit: number;
  sets: SetFetchRule;
}

export interface ImageLookup {
  hashes: { pHash: bigint; dHash: bigint };
  bandValues: { p: number[][]; d: number[][] };
  rules: { maxP: number; maxD: number; strongP: number; strongD: number };
  limit: number;
}

/** What the first statement of an upload's transaction answers. */
export interface UploadLookup {
  /** The uploading work's status, now locked until the transaction ends; null when it is not the uploader's (or deleted). */
  workStatus: CopyrightStatus | null;
  /** Other works' contents with the same bytes. */
  sameBytes: CandidateContent[];
  text: TextCandidate[];
  /** Some looked-up hash has more postings than the scan may read: ask textCandidatesByProbes for the text candidates. */
  textOverflow: boolean;
  images: CandidateContent[];
}

/** A match to write with the content that found it. */
export type MatchWrite = Omit<MatchRecord, 'createdAt' | 'copyrightId' | 'contentId'>;

/** The copyright_logs row of the upload. */
export interface UploadLogWrite {
  actorId: string;
  action: string;
  fromStatus: CopyrightStatus;
  toStatus: CopyrightStatus;
  changedFields: string[];
}

/** A text's fingerprints as stored: all of them, and the index hashes that go into the hash -> work index (those of its index level). */
export interface TextFingerprintWrite {
  fingerprints: readonly TextFingerprint[];
  indexHashes: readonly number[];
}

export interface MatchRecord {
  id: string;
  copyrightId: string;
  contentId: string;
  matchedCopyrightId: string;
  matchedContentId: string;
  own: boolean;
  matchedStatus: CopyrightStatus;
  kind: 'exact' | 'text' | 'image';
  score: number;
  details: Record<string, unknown>;
  createdAt: Date;
}

function toContent(c: CopyrightContent): ContentRecord {
  return {
    id: c.id,
    copyrightId: c.copyrightId,
    uploadedBy: c.uploadedBy,
    filename: c.filename,
    mediaType: c.mediaType,
    kind: c.kind as ContentKind,
    sizeBytes: Number(c.sizeBytes),
    sha256: c.sha256,
    tokenCount: c.tokenCount,
    fingerprintCount: c.fingerprintCount,
    fingerprintsTruncated: c.fingerprintsTruncated,
    phash: c.phash === null ? null : BigInt(c.phash),
    dhash: c.dhash === null ? null : BigInt(c.dhash),
    width: c.width,
    height: c.height,
    storedCopy: c.storedCopy,
    createdAt: c.createdAt,
  };
}

function toMatch(m: CopyrightMatch): MatchRecord {
  return {
    id: m.id,
    copyrightId: m.copyrightId,
    contentId: m.contentId,
    matchedCopyrightId: m.matchedCopyrightId,
    matchedContentId: m.matchedContentId,
    own: m.own,
    matchedStatus: m.matchedStatus as CopyrightStatus,
    kind: m.kind as MatchRecord['kind'],
    score: m.score,
    details: m.details,
    createdAt: m.createdAt,
  };
}

/** The columns of a CandidateContent, for lookups that join contents `c` with their (not deleted) works `w`. */
const CANDIDATE_COLUMNS = `c.id AS content_id, w.id AS copyright_id, w.user_id AS owner_id, w.status, w.title, w.registration_number,
       c.kind, c.fingerprint_count, c.phash::text AS phash, c.dhash::text AS dhash`;

interface CandidateRow {
  content_id: string;
  copyright_id: string;
  owner_id: string;
  status: CopyrightStatus;
  title: string;
  registration_number: string | null;
  kind: ContentKind;
  fingerprint_count: number;
  phash: string | null;
  dhash: string | null;
}

/** A bytea column read through json (`\\x` and hex digits). */
function byteaFromJson(value: string | null): Buffer | null {
  return value === null ? null : Buffer.from(value.slice(2), 'hex');
}

/** Bind parameters numbered as they are added, each written with its cast. */
class Binder {
  readonly values: unknown[] = [];
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

/** The contents of `work` (the uploading one), never candidates: an array, evaluated once. */
const ownContents = (work: string) => `ARRAY(SELECT oc.id FROM copyright_contents oc WHERE oc.copyright_id = ${work})`;

/**
 * The candidates in `shared` (content_id, shared) with their works, most shared first, and
 * the packed fingerprint sets of those the rule `sets` picks (null for the others), as json.
 */
function textCandidatesJson(shared: string, sets: SetFetchRule | null, b: Binder): string {
  const setColumn = sets
    ? `CASE WHEN s.shared >= greatest(${b.add(sets.minShared, 'int')}, floor(least(${b.add(sets.uploadIndexHashes, 'float8')}, c.fingerprint_count * ${b.add(sets.indexPerFingerprint, 'float8')})
                 / 2 ^ greatest(${b.add(sets.uploadLevel, 'int')}, width_bucket(c.fingerprint_count, ${b.add(sets.levelFrom, 'int[]')})) * ${b.add(sets.share, 'float8')}) - 1)
            THEN (SELECT fs.fingerprints FROM copyright_text_fingerprint_sets fs WHERE fs.content_id = c.id) END`
    : 'NULL::bytea';
  return `coalesce((SELECT json_agg(t ORDER BY t.shared DESC, t.content_id) FROM (
            SELECT ${CANDIDATE_COLUMNS}, s.shared, ${setColumn} AS fingerprints
              FROM (${shared}) s JOIN copyright_contents c ON c.id = s.content_id JOIN copyrights w ON w.id = c.copyright_id AND w.deleted_at IS NULL) t), '[]')`;
}

/**
 * One index scan over all the hashes (`hash = ANY`) reading at most perHash postings per hash
 * in all, with the per-hash cap applied to what it read: CTE `hits` and the json of the
 * candidates (see textCandidates). `read` > `cap` says the scan stopped early.
 */
function textScan(lookup: Omit<TextLookup, 'sets'> & { sets: SetFetchRule | null }, work: string, b: Binder): { cte: string; read: string; cap: number; candidates: string } {
  const hashes = sortedHashes(lookup.hashes);
  const cap = lookup.perHash * hashes.count;
  const cte = `hits AS MATERIALIZED (
         SELECT f.hash, f.content_id FROM copyright_text_postings f
          WHERE f.hash = ANY(${b.add(hashes.literal, 'bigint[]')}) AND f.content_id <> ALL (${ownContents(work)})
          LIMIT ${b.add(cap + 1, 'int')}
       )`;
  const shared = `SELECT content_id, count(DISTINCT hash)::int AS shared
                  FROM (SELECT hash, content_id, row_number() OVER (PARTITION BY hash ORDER BY content_id) AS n FROM hits) capped
                 WHERE n <= ${b.add(lookup.perHash, 'int')}
                 GROUP BY content_id
                HAVING count(DISTINCT hash) >= ${b.add(lookup.minShared, 'int')}
                 ORDER BY shared DESC, content_id
                 LIMIT ${b.add(lookup.limit, 'int')}`;
  return { cte, read: '(SELECT count(*) FROM hits)', cap, candidates: textCandidatesJson(shared, lookup.sets, b) };
}

/** The image near copies of `lookup` (see imageCandidates), closest first, as json. */
function imageCandidatesJson(lookup: ImageLookup, work: string, b: Binder): string {
  const scans = [...lookup.bandValues.p.map((values, band) => ({ column: `phash_b${band}`, values })), ...lookup.bandValues.d.map((values, band) => ({ column: `dhash_b${band}`, values }))].filter(
    (scan) => scan.values.length > 0,
  );
  if (scans.length === 0) return `'[]'::json`;
  const p = b.add(BigInt.asIntN(64, lookup.hashes.pHash).toString(), 'bigint');
  const d = b.add(BigInt.asIntN(64, lookup.hashes.dHash).toString(), 'bigint');
  const { maxP, maxD, strongP, strongD } = lookup.rules;
  return `coalesce((SELECT json_agg(t ORDER BY t.distance, t.content_id) FROM (
      SELECT ${CANDIDATE_COLUMNS}, least(near.dp, near.dd) AS distance
        FROM (
          SELECT id, bit_count((phash # ${p})::bit(64)) AS dp, bit_count((dhash # ${d})::bit(64)) AS dd
            FROM (${scans.map((scan) => `SELECT id, phash, dhash FROM copyright_contents WHERE ${scan.column} = ANY((SELECT ${b.add(scan.values, 'int[]')})::int[])`).join(' UNION ')}) hit
        ) near
        JOIN copyright_contents c ON c.id = near.id
        JOIN copyrights w ON w.id = c.copyright_id AND w.deleted_at IS NULL
       WHERE ((near.dp <= ${b.add(maxP, 'int')} AND near.dd <= ${b.add(maxD, 'int')}) OR near.dp <= ${b.add(strongP, 'int')} OR near.dd <= ${b.add(strongD, 'int')}) AND c.copyright_id <> ${work}
       ORDER BY least(near.dp, near.dd), c.id
       LIMIT ${b.add(lookup.limit, 'int')}) t), '[]')`;
}

function toTextCandidate(r: CandidateRow & { shared: number; fingerprints?: string | null }): TextCandidate {
  return { ...toCandidate(r), shared: Number(r.shared), fingerprints: byteaFromJson(r.fingerprints ?? null) };
}

function toCandidate(r: CandidateRow): CandidateContent {
  return {
    contentId: r.content_id,
    copyrightId: r.copyright_id,
    ownerId: r.owner_id,
    status: r.status,
    title: r.title,
    registrationNumber: r.registration_number,
    kind: r.kind,
    fingerprintCount: Number(r.fingerprint_count),
    phash: r.phash === null ? null : BigInt(r.phash),
    dhash: r.dhash === null ? null : BigInt(r.dhash),
  };
}

/** The literals of the hash arrays seen lately: an upload's index hashes are looked up and then stored. */
const hashLiterals = new WeakMap<ArrayLike<number>, { literal: string; count: number }>();

/**
 * Distinct hashes in ascending order (the B-tree's: consecutive probes and inserts touch
 * neighbouring pages) as one `bigint[]` literal: written once per array (the callers never change
 * one), where an array of decimal strings (and a Set of the doubles) cost about 2.5 ms per 4,000
 * hashes in pg's array encoding.
 */
function sortedHashes(hashes: ArrayLike<number>): { literal: string; count: number } {
  const cached = hashLiterals.get(hashes);
  if (cached) return cached;
  const sorted = distinctSorted(hashes);
  const written = { literal: `{${sorted.join(',')}}`, count: sorted.length };
  hashLiterals.set(hashes, written);
  return written;
}

@Injectable()
export class CopyrightContentRepository {
  constructor(
    @InjectModel(CopyrightContent)
    private readonly contents: typeof CopyrightContent,
    @InjectModel(CopyrightMatch)
    private readonly matches: typeof CopyrightMatch,
    private readonly statements: PreparedStatements,
  ) {}

  private get sequelize() {
    return this.contents.sequelize!;
  }

  /**
   * The statements of a long text's upload (thousands of postings written, a lookup over
   * thousands of hashes) may outlast the pool's short statement_timeout: this transaction gets more.
   */
  async allowLongStatements(transaction: DbTransaction, timeoutMs: number): Promise<void> {
    await this.sequelize.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`, { transaction });
  }

  async findByWork(copyrightId: string, transaction?: DbTransaction): Promise<ContentRecord | null> {
    const row = await this.contents.findOne({
      where: { copyrightId },
      transaction,
    });
    return row ? toContent(row) : null;
  }

  /**
   * The first statement of an upload's transaction, one round trip: locks the uploading work
   * (FOR UPDATE, so concurrent uploads to it queue here, and every later statement of the
   * transaction sees what the one before committed) and answers its status, the other works'
   * contents with the same bytes (exact copies), and the near-copy candidates of the text or
   * image lookup, text candidates with the fingerprint sets `text.sets` picks. The uploading
   * work's own content is never a candidate.
   */
  async lookupForUpload(
    upload: { copyrightId: string; userId: string; sha256: string; sameBytesLimit: number },
    near: { text?: TextLookup; image?: ImageLookup },
    transaction: DbTransaction,
  ): Promise<UploadLookup> {
    const b = new Binder();
    const work = b.add(upload.copyrightId, 'uuid');
    const ctes = [`locked AS MATERIALIZED (SELECT status FROM copyrights WHERE id = ${work} AND user_id = ${b.add(upload.userId, 'uuid')} AND deleted_at IS NULL FOR UPDATE)`];
    const columns = [
      '(SELECT status FROM locked) AS work_status',
      `coalesce((SELECT json_agg(same) FROM (
         SELECT ${CANDIDATE_COLUMNS}
           FROM copyright_contents c JOIN copyrights w ON w.id = c.copyright_id AND w.deleted_at IS NULL
          WHERE c.sha256 = ${b.add(upload.sha256, 'text')} AND c.copyright_id <> ${work}
          LIMIT ${b.add(upload.sameBytesLimit, 'int')}) same), '[]') AS same_bytes`,
    ];
    let cap = 0;
    if (near.text && near.text.hashes.length > 0) {
      const scan = textScan(near.text, work, b);
      ctes.push(scan.cte);
      cap = scan.cap;
      columns.push(`${scan.read} AS read`, `${scan.candidates} AS text`);
    }
    if (near.image) columns.push(`${imageCandidatesJson(near.image, work, b)} AS images`);
    const sql = `WITH ${ctes.join(', ')} SELECT ${columns.join(', ')}`;
    type Row = {
      work_status: CopyrightStatus | null;
      same_bytes: CandidateRow[];
      read?: string;
      text?: Array<CandidateRow & { shared: number; fingerprints: string | null }>;
      images?: CandidateRow[];
    };
    // The image lookup's plan does not depend on its values (the band values reach each scan
    // through a sub-select): prepared once per connection, it is not planned again on every
    // upload (planning was about 1.4 ms of its 3.3). The text lookup's plan depends on how many
    // hashes it looks up: planned each time.
    const [row] = near.image
      ? await this.statements.selectInTransaction<Row>(transaction, { name: `copyrights_upload_lookup_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`, text: sql }, b.values)
      : await this.sequelize.query<Row>(sql, { bind: b.values, transaction, type: QueryTypes.SELECT });
    return {
      workStatus: row.work_status,
      sameBytes: row.same_bytes.map(toCandidate),
      text: (row.text ?? []).map(toTextCandidate),
      textOverflow: row.read !== undefined && Number(row.read) > cap,
      images: (row.images ?? []).map(toCandidate),
    };
  }

  /**
   * Contents of other works with postings (index hashes) of at least `minShared` distinct hashes
   * of `hashes`, most shared first, with their (not deleted) works. Each hash counts at most
   * `perHash` postings (the first by content id, as the B-tree has them): a phrase found in very
   * many works says little and must not make the lookup a scan.
   *
   * Two ways to the same answer. First one index scan over all the hashes (`hash = ANY`, a
   * third of the CPU of probing each hash on its own), reading at most perHash postings per
   * hash in all, with the per-hash cap applied to what it read (an upload runs it inside
   * lookupForUpload); when it read that many (so some hash has more postings than the cap: a
   * common phrase), the answer comes from probing each hash with its own LIMIT instead
   * (textCandidatesByProbes), which never reads more than the cap per hash.
   *
   * The work `excludeCopyrightId` (the uploading one) is never a candidate.
   */
  async textCandidates(
    hashes: readonly number[],
    excludeCopyrightId: string,
    options: { perHash: number; minShared: number; limit: number },
    transaction?: DbTransaction,
  ): Promise<TextCandidate[]> {
    if (hashes.length === 0) return [];
    const b = new Binder();
    const scan = textScan({ hashes, ...options, sets: null }, b.add(excludeCopyrightId, 'uuid'), b);
    const [row] = await this.sequelize.query<{ read: string; text: Array<CandidateRow & { shared: number; fingerprints: string | null }> }>(
      `WITH ${scan.cte} SELECT ${scan.read} AS read, ${scan.candidates} AS text`,
      { bind: b.values, transaction, type: QueryTypes.SELECT },
    );
    if (Number(row.read) <= scan.cap) return row.text.map(toTextCandidate);
    return this.textCandidatesByProbes({ hashes, ...options, sets: null }, excludeCopyrightId, transaction);
  }

  /** The answer of textCandidates by probing each hash with its own LIMIT (never more than perHash postings read per hash). */
  async textCandidatesByProbes(lookup: Omit<TextLookup, 'sets'> & { sets: SetFetchRule | null }, excludeCopyrightId: string, transaction?: DbTransaction): Promise<TextCandidate[]> {
    if (lookup.hashes.length === 0) return [];
    const b = new Binder();
    const work = b.add(excludeCopyrightId, 'uuid');
    const shared = `
          SELECT p.content_id, count(DISTINCT q.hash)::int AS shared
            FROM unnest(${b.add(sortedHashes(lookup.hashes).literal, 'bigint[]')}) AS q(hash)
            CROSS JOIN LATERAL (
              SELECT f.content_id FROM copyright_text_postings f WHERE f.hash = q.hash AND f.content_id <> ALL (${ownContents(work)}) ORDER BY f.content_id LIMIT ${b.add(lookup.perHash, 'int')}
            ) p
           GROUP BY p.content_id
          HAVING count(DISTINCT q.hash) >= ${b.add(lookup.minShared, 'int')}
           ORDER BY shared DESC, p.content_id
           LIMIT ${b.add(lookup.limit, 'int')}`;
    const [row] = await this.sequelize.query<{ text: Array<CandidateRow & { shared: number; fingerprints: string | null }> }>(`SELECT ${textCandidatesJson(shared, lookup.sets, b)} AS text`, {
      bind: b.values,
      transaction,
      type: QueryTypes.SELECT,
    });
    return row.text.map(toTextCandidate);
  }

  /**
   * Replaces the work's content with `content` in one statement (one round trip), after
   * lookupForUpload locked the work: the old content goes (its fingerprint set, postings and
   * matches with it: the delete trigger and the cascades), the new row, its fingerprint set and
   * one posting per index hash are written, with the matches the upload found and the work's
   * history row (copyright_logs, this lib's domain log: created_at from the database's clock).
   */
  async store(
    content: ContentWrite,
    text: TextFingerprintWrite | null,
    matches: MatchWrite[],
    log: UploadLogWrite,
    transaction: DbTransaction,
  ): Promise<{ content: ContentRecord; matches: MatchRecord[] }> {
    const id = randomUUID();
    const { phashBands, dhashBands, ...record } = content;
    const noBands = [null, null, null, null];
    const b = new Binder();
    const work = b.add(content.copyrightId, 'uuid');
    const contentId = b.add(id, 'uuid');
    const values = [
      work,
      contentId,
      b.add(content.uploadedBy, 'uuid'),
      b.add(content.filename, 'text'),
      b.add(content.mediaType, 'text'),
      b.add(content.kind, 'text'),
      b.add(content.sizeBytes, 'bigint'),
      b.add(content.sha256, 'text'),
      b.add(content.tokenCount, 'int'),
      b.add(content.fingerprintCount, 'int'),
      b.add(content.fingerprintsTruncated, 'boolean'),
      b.add(content.phash === null ? null : content.phash.toString(), 'bigint'),
      b.add(content.dhash === null ? null : content.dhash.toString(), 'bigint'),
      ...(phashBands ?? noBands).map((v) => b.add(v, 'int')),
      ...(dhashBands ?? noBands).map((v) => b.add(v, 'int')),
      b.add(content.width, 'int'),
      b.add(content.height, 'int'),
      b.add(content.storedCopy, 'text'),
    ];
    const ctes = [
      `gone AS (
         DELETE FROM copyright_contents WHERE copyright_id = ${work} RETURNING id
       )`,
      `stored AS (
         INSERT INTO copyright_contents (copyright_id, id, uploaded_by, filename, media_type, kind, size_bytes, sha256, token_count, fingerprint_count,
                fingerprints_truncated, phash, dhash, phash_b0, phash_b1, phash_b2, phash_b3, dhash_b0, dhash_b1, dhash_b2, dhash_b3, width, height, stored_copy)
         SELECT ${values.join(', ')}
           -- Counting gone reads all of it first: the old row is deleted before the new one meets the unique copyright_id.
           FROM (SELECT count(*) FROM gone) AS old
         RETURNING created_at
       )`,
      `logged AS (
         INSERT INTO copyright_logs (copyright_id, actor_id, action, from_status, to_status, changed_fields)
         VALUES (${work}, ${b.add(log.actorId, 'uuid')}, ${b.add(log.action, 'text')}, ${b.add(log.fromStatus, 'text')}, ${b.add(log.toStatus, 'text')}, ${b.add(log.changedFields, 'text[]')})
       )`,
    ];
    if (text !== null && text.fingerprints.length > 0) {
      const indexHashes = b.add(sortedHashes(text.indexHashes).literal, 'bigint[]');
      ctes.push(
        `fingerprint_set AS (
         INSERT INTO copyright_text_fingerprint_sets (content_id, fingerprints, index_hashes) VALUES (${contentId}, ${b.add(packFingerprints(text.fingerprints), 'bytea')}, ${indexHashes})
       )`,
        `postings AS (
         INSERT INTO copyright_text_postings (hash, content_id) SELECT h, ${contentId} FROM unnest(${indexHashes}) AS h
       )`,
      );
    }
    if (matches.length > 0) {
      ctes.push(`found AS (
         INSERT INTO copyright_matches (id, copyright_id, content_id, matched_copyright_id, matched_content_id, own, matched_status, kind, score, details)
         SELECT m.id, ${work}, ${contentId}, m.matched_copyright_id, m.matched_content_id, m.own, m.matched_status, m.kind, m.score, m.details
           FROM json_to_recordset(${b.add(
             JSON.stringify(
               matches.map((m) => ({
                 id: m.id,
                 matched_copyright_id: m.matchedCopyrightId,
                 matched_content_id: m.matchedContentId,
                 own: m.own,
                 matched_status: m.matchedStatus,
                 kind: m.kind,
                 score: m.score,
                 details: m.details,
               })),
             ),
             'json',
           )}) AS m(id uuid, matched_copyright_id uuid, matched_content_id uuid, own boolean, matched_status text, kind text, score real, details jsonb)
         RETURNING id, created_at
       )`);
    }
    const [row] = await this.sequelize.query<{ created_at: Date; matches: Array<{ id: string; created_at: string }> }>(
      `WITH ${ctes.join(', ')}
       SELECT (SELECT created_at FROM stored) AS created_at,
              ${matches.length > 0 ? `coalesce((SELECT json_agg(json_build_object('id', id, 'created_at', created_at)) FROM found), '[]')` : `'[]'::json`} AS matches`,
      { bind: b.values, transaction, type: QueryTypes.SELECT },
    );
    const createdAt = new Map(row.matches.map((m) => [m.id, new Date(m.created_at)]));
    return {
      content: { ...record, id, createdAt: row.created_at },
      matches: matches.map((m) => ({ ...m, copyrightId: content.copyrightId, contentId: id, createdAt: createdAt.get(m.id)! })),
    };
  }

  async findMatch(id: string): Promise<MatchRecord | null> {
    const row = await this.matches.findByPk(id);
    return row ? toMatch(row) : null;
  }

  /** The matches of a work's content, best first. */
  async matchesOfWork(copyrightId: string): Promise<MatchRecord[]> {
    const rows = await this.matches.findAll({
      where: { copyrightId },
      order: [
        ['score', 'DESC'],
        ['id', 'ASC'],
      ],
      limit: 100,
    });
    return rows.map(toMatch);
  }

  /** Matches with another owner's work (alarms), newest first, keyset-paginated. */
  async alarms(limit: number, after?: KeysetPosition): Promise<Array<{ match: MatchRecord; position: KeysetPosition }>> {
    const rows = await findKeysetPage(this.matches, {
      where: [{ own: false }],
      limit,
      after,
    });
    return rows.map(({ row, position }) => ({ match: toMatch(row), position }));
  }

  /** Titles, registration numbers and owners of works, for the admins' list. */
  async worksBrief(ids: string[]): Promise<
    Map<
      string,
      {
        title: string;
        registrationNumber: string | null;
        ownerId: string;
        status: CopyrightStatus;
      }
    >
  > {
    if (ids.length === 0) return new Map();
    const rows = await this.sequelize.query<{
      id: string;
      title: string;
      registration_number: string | null;
      user_id: string;
      status: CopyrightStatus;
    }>('SELECT id, title, registration_number, user_id, status FROM copyrights WHERE id = ANY($1::uuid[])', { bind: [ids], type: QueryTypes.SELECT });
    return new Map(
      rows.map((r) => [
        r.id,
        {
          title: r.title,
          registrationNumber: r.registration_number,
          ownerId: r.user_id,
          status: r.status,
        },
      ]),
    );
  }
}
