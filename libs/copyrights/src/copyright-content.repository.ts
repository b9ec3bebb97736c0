import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/sequelize';
import { Op, QueryTypes } from 'sequelize';
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

export type ContentWrite = Omit<ContentRecord, 'id' | 'createdAt'> & { phashBands: number[] | null; dhashBands: number[] | null };

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

@Injectable()
export class CopyrightContentRepository {
  constructor(
    @InjectModel(CopyrightContent) private readonly contents: typeof CopyrightContent,
    @InjectModel(CopyrightMatch) private readonly matches: typeof CopyrightMatch,
  ) {}

  private get sequelize() {
    return this.contents.sequelize!;
  }

  /**
   * Bulk statements of one upload (up to FINGERPRINT_BATCH rows each, a lookup over every hash of
   * a long text) may outlast the pool's short statement_timeout: this transaction gets more.
   */
  async allowLongStatements(transaction: DbTransaction, timeoutMs: number): Promise<void> {
    await this.sequelize.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`, { transaction });
  }

  async findByWork(copyrightId: string, transaction?: DbTransaction): Promise<ContentRecord | null> {
    const row = await this.contents.findOne({ where: { copyrightId }, transaction });
    return row ? toContent(row) : null;
  }

  /**
   * Replaces the work's content (its old fingerprints and matches go with it) and writes the new
   * fingerprints: one row holding them all, and one posting per index hash (one statement).
   */
  async replace(content: ContentWrite, text: TextFingerprintWrite | null, transaction: DbTransaction): Promise<ContentRecord> {
    await this.contents.destroy({ where: { copyrightId: content.copyrightId }, transaction });
    const { phashBands, dhashBands, phash, dhash, ...rest } = content;
    const row = await this.contents.create(
      {
        ...rest,
        phash: phash === null ? null : phash.toString(),
        dhash: dhash === null ? null : dhash.toString(),
        ...(phashBands ? { phashB0: phashBands[0], phashB1: phashBands[1], phashB2: phashBands[2], phashB3: phashBands[3] } : {}),
        ...(dhashBands ? { dhashB0: dhashBands[0], dhashB1: dhashBands[1], dhashB2: dhashBands[2], dhashB3: dhashBands[3] } : {}),
      },
      { transaction },
    );
    if (text && text.fingerprints.length > 0) {
      // In B-tree order: consecutive inserts touch neighbouring index pages.
      const indexHashes = Array.from(Float64Array.from(new Set(text.indexHashes)).sort(), String);
      await this.sequelize.query(
        `WITH s AS (
           INSERT INTO copyright_text_fingerprint_sets (content_id, fingerprints, index_hashes) VALUES ($1::uuid, $2, $3::bigint[]) RETURNING index_hashes
         )
         INSERT INTO copyright_text_postings (hash, content_id) SELECT h, $1::uuid FROM s CROSS JOIN LATERAL unnest(s.index_hashes) AS h`,
        { bind: [row.id, packFingerprints(text.fingerprints), indexHashes], transaction, type: QueryTypes.INSERT },
      );
    }
    return toContent(row);
  }

  /**
   * Contents of other works with postings (index hashes) of at least `minShared` distinct hashes
   * of `hashes`, most shared first. Each hash counts at most `perHash` postings (the first by content id, as the
   * B-tree has them): a phrase found in very many works says little and must not make the
   * lookup a scan.
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
  ): Promise<Array<{ contentId: string; shared: number }>> {
    if (hashes.length === 0) return [];
    // In B-tree order: consecutive probes read neighbouring index pages.
    const sorted = Array.from(Float64Array.from(new Set(hashes)).sort(), String);
    const others = 'f.content_id <> ALL (ARRAY(SELECT c.id FROM copyright_contents c WHERE c.copyright_id = $2))';
    const cap = options.perHash * sorted.length;
    const [scan] = await this.sequelize.query<{ read: string; shared: Array<{ content_id: string; shared: number }> }>(
      `WITH hits AS MATERIALIZED (
         SELECT f.hash, f.content_id FROM copyright_text_postings f
          WHERE f.hash = ANY($1::bigint[]) AND ${others}
          LIMIT $6
       )
       SELECT (SELECT count(*) FROM hits) AS read,
              coalesce((SELECT json_agg(t) FROM (
                SELECT content_id, count(DISTINCT hash) AS shared
                  FROM (SELECT hash, content_id, row_number() OVER (PARTITION BY hash ORDER BY content_id) AS n FROM hits) capped
                 WHERE n <= $3
                 GROUP BY content_id
                HAVING count(DISTINCT hash) >= $4
                 ORDER BY shared DESC, content_id
                 LIMIT $5) t), '[]') AS shared`,
      { bind: [sorted, excludeCopyrightId, options.perHash, options.minShared, options.limit, cap + 1], transaction, type: QueryTypes.SELECT },
    );
    let rows = scan.shared;
    if (Number(scan.read) > cap) {
      rows = await this.sequelize.query<{ content_id: string; shared: number }>(
        `SELECT p.content_id, count(DISTINCT q.hash)::int AS shared
           FROM unnest($1::bigint[]) AS q(hash)
           CROSS JOIN LATERAL (
             SELECT f.content_id FROM copyright_text_postings f WHERE f.hash = q.hash AND ${others} ORDER BY f.content_id LIMIT $3
           ) p
          GROUP BY p.content_id
         HAVING count(DISTINCT q.hash) >= $4
          ORDER BY shared DESC, p.content_id
          LIMIT $5`,
        { bind: [sorted, excludeCopyrightId, options.perHash, options.minShared, options.limit], transaction, type: QueryTypes.SELECT },
      );
    }
    return rows.map((r) => ({ contentId: r.content_id, shared: Number(r.shared) }));
  }

  /**
   * Image contents that are near copies by the rule of `matching.ts` (pHash within `maxP` bits
   * and dHash within `maxD`, or either within its `strong` distance), closest first.
   * Multi-index hashing: one index-only scan per band (the band indexes carry id, pHash and
   * dHash), each with the band values within the search radius; the distances are computed on
   * the rows those scans find, never on the table. Each band's values reach the scan through a
   * sub-select, so the planner does not estimate hundreds of array elements one by one (that
   * planning cost more than the scans).
   */
  async imageCandidates(
    hashes: { pHash: bigint; dHash: bigint },
    bandValues: { p: number[][]; d: number[][] },
    options: { maxP: number; maxD: number; strongP: number; strongD: number; limit: number },
    excludeContentId: string,
    transaction?: DbTransaction,
  ): Promise<string[]> {
    const band = (column: string, param: number) => `SELECT id, phash, dhash FROM copyright_contents WHERE ${column} = ANY((SELECT $${param}::int[])::int[])`;
    const rows = await this.sequelize.query<{ id: string }>(
      `SELECT id FROM (
         SELECT id, bit_count((phash # $9::bigint)::bit(64)) AS dp, bit_count((dhash # $10::bigint)::bit(64)) AS dd
           FROM (${[0, 1, 2, 3].map((b) => band(`phash_b${b}`, b + 1)).join(' UNION ')}
                 UNION ${[0, 1, 2, 3].map((b) => band(`dhash_b${b}`, b + 5)).join(' UNION ')}) hit
          WHERE id <> $11
       ) c
       WHERE (dp <= $12 AND dd <= $13) OR dp <= $14 OR dd <= $15
       ORDER BY least(dp, dd), id
       LIMIT $16`,
      {
        bind: [
          ...bandValues.p,
          ...bandValues.d,
          BigInt.asIntN(64, hashes.pHash).toString(),
          BigInt.asIntN(64, hashes.dHash).toString(),
          excludeContentId,
          options.maxP,
          options.maxD,
          options.strongP,
          options.strongD,
          options.limit,
        ],
        transaction,
        type: QueryTypes.SELECT,
      },
    );
    return rows.map((r) => r.id);
  }

  /** Other contents with exactly these bytes. */
  async sameBytes(sha256: string, excludeContentId: string, limit: number, transaction?: DbTransaction): Promise<string[]> {
    const rows = await this.contents.findAll({ attributes: ['id'], where: { sha256, id: { [Op.ne]: excludeContentId } }, limit, transaction });
    return rows.map((r) => r.id);
  }

  /** The contents with their (not deleted) works. */
  async candidates(contentIds: string[], transaction?: DbTransaction): Promise<CandidateContent[]> {
    if (contentIds.length === 0) return [];
    const rows = await this.sequelize.query<{
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
    }>(
      `SELECT c.id AS content_id, w.id AS copyright_id, w.user_id AS owner_id, w.status, w.title, w.registration_number,
              c.kind, c.fingerprint_count, c.phash, c.dhash
         FROM copyright_contents c JOIN copyrights w ON w.id = c.copyright_id AND w.deleted_at IS NULL
        WHERE c.id = ANY($1::uuid[])`,
      { bind: [contentIds], transaction, type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({
      contentId: r.content_id,
      copyrightId: r.copyright_id,
      ownerId: r.owner_id,
      status: r.status,
      title: r.title,
      registrationNumber: r.registration_number,
      kind: r.kind,
      fingerprintCount: r.fingerprint_count,
      phash: r.phash === null ? null : BigInt(r.phash),
      dhash: r.dhash === null ? null : BigInt(r.dhash),
    }));
  }

  /** The packed fingerprint sets (content/fingerprint-pack.ts) of these contents; a content without fingerprints has none. */
  async fingerprintSets(contentIds: string[], transaction?: DbTransaction): Promise<Map<string, Buffer>> {
    if (contentIds.length === 0) return new Map();
    const rows = await this.sequelize.query<{ content_id: string; fingerprints: Buffer }>(
      'SELECT content_id, fingerprints FROM copyright_text_fingerprint_sets WHERE content_id = ANY($1::uuid[])',
      { bind: [contentIds], transaction, type: QueryTypes.SELECT },
    );
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
    const rows = await findKeysetPage(this.matches, { where: [{ own: false }], limit, after });
    return rows.map(({ row, position }) => ({ match: toMatch(row), position }));
  }

  /** Titles, registration numbers and owners of works, for the admins' list. */
  async worksBrief(ids: string[]): Promise<Map<string, { title: string; registrationNumber: string | null; ownerId: string; status: CopyrightStatus }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sequelize.query<{ id: string; title: string; registration_number: string | null; user_id: string; status: CopyrightStatus }>(
      'SELECT id, title, registration_number, user_id, status FROM copyrights WHERE id = ANY($1::uuid[])',
      { bind: [ids], type: QueryTypes.SELECT },
    );
    return new Map(rows.map((r) => [r.id, { title: r.title, registrationNumber: r.registration_number, ownerId: r.user_id, status: r.status }]));
  }
}
