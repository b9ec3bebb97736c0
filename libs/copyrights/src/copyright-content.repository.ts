import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { QueryTypes } from 'sequelize';
import type { KeysetPosition } from '@app/common';
import { findKeysetPage, type DbTransaction } from '@app/database';
import type { CopyrightStatus } from './copyright-lifecycle';
import type { ContentKind } from './content/content-analyzer';
import { packFingerprints } from './content/fingerprint-pack';
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

/** A text's fingerprints as stored: all of them, and the index hashes that go into the hash -> work index. */
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

/** Distinct hashes as decimal strings in ascending order (the B-tree's: consecutive probes and inserts touch neighbouring pages). */
function sortedHashes(hashes: readonly number[]): string[] {
  return Array.from(Float64Array.from(new Set(hashes)).sort(), String);
}

@Injectable()
export class CopyrightContentRepository {
  constructor(
    @InjectModel(CopyrightContent)
    private readonly contents: typeof CopyrightContent,
    @InjectModel(CopyrightMatch)
    private readonly matches: typeof CopyrightMatch,
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
   * Replaces the work's content with `content` in one statement (one round trip): the old
   * content goes (its fingerprint set, postings and matches with it: the delete trigger and the
   * cascades), the new row, its fingerprint set and one posting per index hash are written, and
   * the statement answers the other works' contents with the same bytes (exact copies; the
   * statement's snapshot holds neither the new content nor, by the work filter, the old one).
   */
  async store(
    content: ContentWrite,
    text: TextFingerprintWrite | null,
    options: { sameBytesLimit: number },
    transaction: DbTransaction,
  ): Promise<{ content: ContentRecord; sameBytes: CandidateContent[] }> {
    const id = randomUUID();
    const { phashBands, dhashBands, ...record } = content;
    const noBands = [null, null, null, null];
    const bind: unknown[] = [
      content.copyrightId,
      id,
      content.uploadedBy,
      content.filename,
      content.mediaType,
      content.kind,
      content.sizeBytes,
      content.sha256,
      content.tokenCount,
      content.fingerprintCount,
      content.fingerprintsTruncated,
      content.phash === null ? null : content.phash.toString(),
      content.dhash === null ? null : content.dhash.toString(),
      ...(phashBands ?? noBands),
      ...(dhashBands ?? noBands),
      content.width,
      content.height,
      content.storedCopy,
      options.sameBytesLimit,
    ];
    const writesText = text !== null && text.fingerprints.length > 0;
    if (writesText) bind.push(packFingerprints(text.fingerprints), sortedHashes(text.indexHashes));
    const [row] = await this.sequelize.query<{
      created_at: Date;
      same_bytes: CandidateRow[];
    }>(
      `WITH gone AS (
         DELETE FROM copyright_contents WHERE copyright_id = $1::uuid RETURNING id
       ), stored AS (
         INSERT INTO copyright_contents (copyright_id, id, uploaded_by, filename, media_type, kind, size_bytes, sha256, token_count, fingerprint_count,
                fingerprints_truncated, phash, dhash, phash_b0, phash_b1, phash_b2, phash_b3, dhash_b0, dhash_b1, dhash_b2, dhash_b3, width, height, stored_copy)
         SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::text, $7::bigint, $8::text, $9::int, $10::int,
                $11::boolean, $12::bigint, $13::bigint, $14::int, $15::int, $16::int, $17::int, $18::int, $19::int, $20::int, $21::int, $22::int, $23::int, $24::text
           -- Counting gone reads all of it first: the old row is deleted before the new one meets the unique copyright_id.
           FROM (SELECT count(*) FROM gone) AS old
         RETURNING created_at
       )${
         writesText
           ? `, fingerprint_set AS (
         INSERT INTO copyright_text_fingerprint_sets (content_id, fingerprints, index_hashes) VALUES ($2::uuid, $26::bytea, $27::bigint[])
       ), postings AS (
         INSERT INTO copyright_text_postings (hash, content_id) SELECT h, $2::uuid FROM unnest($27::bigint[]) AS h
       )`
           : ''
       }
       SELECT (SELECT created_at FROM stored) AS created_at,
              coalesce((SELECT json_agg(same) FROM (
                SELECT ${CANDIDATE_COLUMNS}
                  FROM copyright_contents c JOIN copyrights w ON w.id = c.copyright_id AND w.deleted_at IS NULL
                 WHERE c.sha256 = $8::text AND c.copyright_id <> $1::uuid
                 LIMIT $25::int) same), '[]') AS same_bytes`,
      { bind, transaction, type: QueryTypes.SELECT },
    );
    return {
      content: { ...record, id, createdAt: row.created_at },
      sameBytes: row.same_bytes.map(toCandidate),
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
   * hash in all, with the per-hash cap applied to what it read; when it read that many (so some
   * hash has more postings than the cap: a common phrase), the answer comes from probing each
   * hash with its own LIMIT instead, which never reads more than the cap per hash.
   *
   * The work `excludeCopyrightId` (the uploading one) is never a candidate.
   */
  async textCandidates(
    hashes: readonly number[],
    excludeCopyrightId: string,
    options: { perHash: number; minShared: number; limit: number },
    transaction?: DbTransaction,
  ): Promise<Array<CandidateContent & { shared: number }>> {
    if (hashes.length === 0) return [];
    const sorted = sortedHashes(hashes);
    const others = 'f.content_id <> ALL (ARRAY(SELECT c.id FROM copyright_contents c WHERE c.copyright_id = $2))';
    // The candidates in `shared` (content_id, shared) with their works, most shared first.
    const withWorks = (shared: string) =>
      `SELECT ${CANDIDATE_COLUMNS}, s.shared
         FROM (${shared}) s JOIN copyright_contents c ON c.id = s.content_id JOIN copyrights w ON w.id = c.copyright_id AND w.deleted_at IS NULL
        ORDER BY s.shared DESC, c.id`;
    const cap = options.perHash * sorted.length;
    const [scan] = await this.sequelize.query<{
      read: string;
      shared: Array<CandidateRow & { shared: number }>;
    }>(
      `WITH hits AS MATERIALIZED (
         SELECT f.hash, f.content_id FROM copyright_text_postings f
          WHERE f.hash = ANY($1::bigint[]) AND ${others}
          LIMIT $6
       )
       SELECT (SELECT count(*) FROM hits) AS read,
              coalesce((SELECT json_agg(t ORDER BY t.shared DESC, t.content_id) FROM (${withWorks(`
                SELECT content_id, count(DISTINCT hash)::int AS shared
                  FROM (SELECT hash, content_id, row_number() OVER (PARTITION BY hash ORDER BY content_id) AS n FROM hits) capped
                 WHERE n <= $3
                 GROUP BY content_id
                HAVING count(DISTINCT hash) >= $4
                 ORDER BY shared DESC, content_id
                 LIMIT $5`)}) t), '[]') AS shared`,
      {
        bind: [sorted, excludeCopyrightId, options.perHash, options.minShared, options.limit, cap + 1],
        transaction,
        type: QueryTypes.SELECT,
      },
    );
    let rows = scan.shared;
    if (Number(scan.read) > cap) {
      rows = await this.sequelize.query<CandidateRow & { shared: number }>(
        withWorks(`
          SELECT p.content_id, count(DISTINCT q.hash)::int AS shared
            FROM unnest($1::bigint[]) AS q(hash)
            CROSS JOIN LATERAL (
              SELECT f.content_id FROM copyright_text_postings f WHERE f.hash = q.hash AND ${others} ORDER BY f.content_id LIMIT $3
            ) p
           GROUP BY p.content_id
          HAVING count(DISTINCT q.hash) >= $4
           ORDER BY shared DESC, p.content_id
           LIMIT $5`),
        {
          bind: [sorted, excludeCopyrightId, options.perHash, options.minShared, options.limit],
          transaction,
          type: QueryTypes.SELECT,
        },
      );
    }
    return rows.map((r) => ({ ...toCandidate(r), shared: Number(r.shared) }));
  }

  /**
   * Image contents of other works (not deleted) that are near copies by the rule of
   * `matching.ts` (pHash within `maxP` bits and dHash within `maxD`, or either within its
   * `strong` distance), closest first, with their works. Multi-index hashing: one index-only
   * scan per band (the band indexes carry id, pHash and dHash), each with the band values
   * within that band's search radius (a band searched with no value is not scanned); the
   * distances are computed on the rows those scans find, never on the table, and only the near
   * copies are joined with their works. Each band's values reach the scan through a sub-select,
   * so the planner does not estimate hundreds of array elements one by one (that planning cost
   * more than the scans).
   */
  async imageCandidates(
    hashes: { pHash: bigint; dHash: bigint },
    bandValues: { p: number[][]; d: number[][] },
    options: {
      maxP: number;
      maxD: number;
      strongP: number;
      strongD: number;
      limit: number;
    },
    excludeCopyrightId: string,
    transaction?: DbTransaction,
  ): Promise<CandidateContent[]> {
    const scans = [...bandValues.p.map((values, b) => ({ column: `phash_b${b}`, values })), ...bandValues.d.map((values, b) => ({ column: `dhash_b${b}`, values }))]
      .filter((scan) => scan.values.length > 0)
      .map((scan, i) => ({ ...scan, param: i + 9 }));
    if (scans.length === 0) return [];
    const rows = await this.sequelize.query<CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS}
         FROM (
           SELECT id, bit_count((phash # $1::bigint)::bit(64)) AS dp, bit_count((dhash # $2::bigint)::bit(64)) AS dd
             FROM (${scans.map((scan) => `SELECT id, phash, dhash FROM copyright_contents WHERE ${scan.column} = ANY((SELECT $${scan.param}::int[])::int[])`).join(' UNION ')}) hit
         ) near
         JOIN copyright_contents c ON c.id = near.id
         JOIN copyrights w ON w.id = c.copyright_id AND w.deleted_at IS NULL
        WHERE ((near.dp <= $4 AND near.dd <= $5) OR near.dp <= $6 OR near.dd <= $7) AND c.copyright_id <> $3
        ORDER BY least(near.dp, near.dd), c.id
        LIMIT $8`,
      {
        bind: [
          BigInt.asIntN(64, hashes.pHash).toString(),
          BigInt.asIntN(64, hashes.dHash).toString(),
          excludeCopyrightId,
          options.maxP,
          options.maxD,
          options.strongP,
          options.strongD,
          options.limit,
          ...scans.map((scan) => scan.values),
        ],
        transaction,
        type: QueryTypes.SELECT,
      },
    );
    return rows.map(toCandidate);
  }

  /** The packed fingerprint sets (content/fingerprint-pack.ts) of these contents; a content without fingerprints has none. */
  async fingerprintSets(contentIds: string[], transaction?: DbTransaction): Promise<Map<string, Buffer>> {
    if (contentIds.length === 0) return new Map();
    const rows = await this.sequelize.query<{
      content_id: string;
      fingerprints: Buffer;
    }>('SELECT content_id, fingerprints FROM copyright_text_fingerprint_sets WHERE content_id = ANY($1::uuid[])', { bind: [contentIds], transaction, type: QueryTypes.SELECT });
    return new Map(rows.map((r) => [r.content_id, r.fingerprints]));
  }

  async addMatches(rows: Array<Omit<MatchRecord, 'id' | 'createdAt'>>, transaction: DbTransaction): Promise<MatchRecord[]> {
    if (rows.length === 0) return [];
    return (await this.matches.bulkCreate(rows, { transaction, returning: true })).map(toMatch);
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
