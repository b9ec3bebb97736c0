import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppError, decodeCursor, NotFoundError, toPage, type Page } from '@app/common';
import { InjectConfig } from '@app/config';
import { TransactionRunner, type DbTransaction } from '@app/database';
import { NotificationsService } from '@app/notifications';
import { isEditable } from './copyright-lifecycle';
import { analyzeContent, ContentTooLargeError, UndecodableContentError, type ContentAnalysis } from './content/content-analyzer';
import { bandNeighbours, bands, fromSigned64, hashHex, toSigned64 } from './content/image-hash';
import { unpackFingerprints } from './content/fingerprint-pack';
import { distinctSorted, sortedHas } from './content/hash-set';
import { bandRadii, imageVerdict, indexLevelOf, lookupHashes, MATCH_RULES, passages, textVerdict, worthComparing, worthComparingTerms } from './content/matching';
import {
  CopyrightContentRepository,
  type CandidateContent,
  type ContentRecord,
  type ImageLookup,
  type MatchRecord,
  type TextCandidate,
  type TextLookup,
} from './copyright-content.repository';
import { COPYRIGHTS_CONFIG, type CopyrightsConfig } from './copyrights.config';
import { CopyrightStateError } from './copyrights.errors';
import { CopyrightsRepository } from './copyrights.repository';
import { CopyrightsService } from './copyrights.service';
import type { CopyrightRecord } from './copyrights.types';

/** What the owner sees of their work's content: fingerprints and facts, never the file. */
export interface ContentView {
  kind: ContentRecord['kind'];
  mediaType: string;
  filename: string | null;
  sizeBytes: number;
  sha256: string;
  tokenCount: number | null;
  fingerprintCount: number;
  fingerprintsTruncated: boolean;
  pHash: string | null;
  dHash: string | null;
  width: number | null;
  height: number | null;
  depositCopyKept: boolean;
  uploadedAt: Date;
}

/**
 * A match as the uploading work's owner sees it. Another owner's work shows its title, status
 * and registration number only: never its owner, never its id.
 */
export interface MatchView {
  id: string;
  copyrightId: string;
  kind: MatchRecord['kind'];
  score: number;
  own: boolean;
  alert: string | null;
  work: { id: string | null; title: string; status: string; registrationNumber: string | null };
  details: Record<string, unknown>;
  createdAt: Date;
}

export interface AdminMatchView {
  id: string;
  kind: MatchRecord['kind'];
  score: number;
  createdAt: Date;
  upload: { copyrightId: string; title: string; ownerId: string };
  matched: { copyrightId: string; title: string; ownerId: string; status: string; registrationNumber: string | null };
  details: Record<string, unknown>;
}

export class ContentTooLargeProblem extends AppError {
  constructor(maxBytes: number) {
    super('copyright-content-too-large', 413, 'Payload Too Large', { detail: `The file is larger than ${maxBytes} bytes: nothing was kept`, extensions: { maxBytes } });
  }
}

export class UndecodableContentProblem extends AppError {
  constructor(mediaType: string) {
    super('copyright-content-undecodable', 422, 'Unprocessable Content', { detail: `The file's bytes say ${mediaType}, but it could not be read`, extensions: { mediaType } });
  }
}

/** statement_timeout inside a long text's upload transaction (bulk fingerprint writes and the lookup over all of them). */
const UPLOAD_STATEMENT_TIMEOUT_MS = 60_000;
/**
 * Uploads with more distinct fingerprints than this get UPLOAD_STATEMENT_TIMEOUT_MS (one more
 * statement); smaller ones (up to about 50 KB of text) and images run far within the pool's timeout.
 */
const LONG_STATEMENTS_FROM_FINGERPRINTS = 2_000;

const ALERT_REGISTERED = 'possible copy of a registered work';
const ALERT_SUBMITTED = 'possible copy of a work submitted for registration';

/** Other works' contents found by the index lookup of an upload. */
interface NearCopies {
  text: TextCandidate[];
  images: CandidateContent[];
}

interface Found {
  candidate: CandidateContent;
  kind: MatchRecord['kind'];
  score: number;
  details: Record<string, unknown>;
}

/**
 * Content of a work: fingerprinted while it streams in (content-analyzer.ts), stored as
 * fingerprints only (plus a deposit copy when COPYRIGHT_CONTENT_DIR is set), and compared with
 * every other work's: exact bytes, shared winnowing fingerprints (text), close perceptual hashes
 * (images). A match with another owner's submitted or registered work alerts the uploader
 * (without that owner's identity), notifies that owner and is listed for admins.
 */
@Injectable()
export class CopyrightContentService {
  private readonly logger = new Logger(CopyrightContentService.name);

  constructor(
    private readonly contents: CopyrightContentRepository,
    private readonly works: CopyrightsRepository,
    private readonly copyrights: CopyrightsService,
    private readonly notifications: NotificationsService,
    private readonly transactions: TransactionRunner,
    @InjectConfig(COPYRIGHTS_CONFIG) private readonly config: CopyrightsConfig,
  ) {}

  get maxUploadBytes(): number {
    return this.config.uploadMaxBytes;
  }

  /** Checks that the work is the caller's draft before any byte is read (404 / 409). */
  async assertUploadable(userId: string, copyrightId: string): Promise<void> {
    const work = await this.works.findOwned(userId, copyrightId);
    if (!work) throw new NotFoundError('The work does not exist');
    if (!isEditable(work.status)) throw new CopyrightStateError('uploading content', work.status);
  }

  /**
   * Reads the upload to its end, fingerprints it, replaces the work's content and answers the
   * matches found. Over the size limit: 413 and nothing is kept (no row, no file). The caller
   * checks assertUploadable before it reads a byte (the controller does); the transaction
   * checks again, with the work locked.
   *
   * The transaction's statements, each a round trip that costs the API more CPU than most of
   * them cost PostgreSQL: the work locked with the lookup of the exact copies and of the other
   * works' contents (text or image, with the candidates' works and the fingerprint sets worth
   * comparing) in one; the content replaced (with its fingerprints, the matches and the
   * history row) in another; then the audit events and the notifications.
   */
  async upload(userId: string, copyrightId: string, source: AsyncIterable<Buffer>, filename: string | null): Promise<{ content: ContentView; matches: MatchView[] }> {
    const deposit = this.config.contentDir ? await this.openDeposit(this.config.contentDir) : null;
    let analysis: ContentAnalysis;
    try {
      analysis = await analyzeContent(source, { maxBytes: this.config.uploadMaxBytes, filename: filename ?? undefined, onChunk: deposit?.write });
      await deposit?.close();
    } catch (error) {
      await deposit?.discard();
      if (error instanceof ContentTooLargeError) throw new ContentTooLargeProblem(this.config.uploadMaxBytes);
      if (error instanceof UndecodableContentError) throw new UndecodableContentProblem(error.mediaType);
      throw error;
    }
    // Distinct, ascending (a typed sort: a Set of 15,000 53-bit doubles costs about 5 ms).
    const uploadHashes = analysis.text ? distinctSorted(fingerprintHashes(analysis.text.fingerprints)) : new Float64Array(0);
    // The index hashes this text posts and looks up: those of its level (MATCH_RULES.text.indexLevelAbove).
    const postedHashes = analysis.text ? analysis.text.indexLevels[indexLevelOf(uploadHashes.length)] : [];
    try {
      return await this.transactions.run(async (transaction) => {
        if (uploadHashes.length > LONG_STATEMENTS_FROM_FINGERPRINTS) await this.contents.allowLongStatements(transaction, UPLOAD_STATEMENT_TIMEOUT_MS);
        // The work locked and checked again, the exact copies and the other works' contents
        // near this upload, in one statement, before this upload's own postings are in the
        // index (the lookup would read and skip each of them).
        const nearLookups = this.nearLookups(analysis, uploadHashes, postedHashes);
        const lookup = await this.contents.lookupForUpload(
          { copyrightId, userId, sha256: analysis.sha256, sameBytesLimit: MATCH_RULES.candidates },
          nearLookups,
          transaction,
        );
        if (lookup.workStatus === null) throw new NotFoundError('The work does not exist');
        if (!isEditable(lookup.workStatus)) throw new CopyrightStateError('uploading content', lookup.workStatus);
        const near: NearCopies = { text: lookup.text, images: lookup.images };
        if (lookup.textOverflow && nearLookups.text) near.text = await this.contents.textCandidatesByProbes(nearLookups.text, copyrightId, transaction);
        const found = this.findMatches(userId, analysis, uploadHashes, lookup.sameBytes, near);
        const storedCopy = deposit ? join(this.config.contentDir!, `${copyrightId}-${analysis.sha256}`) : null;
        const change = { actorId: userId, action: 'content-upload', fromStatus: lookup.workStatus, toStatus: lookup.workStatus, changedFields: ['content'] };
        const { content, matches } = await this.contents.store(
          {
            copyrightId,
            uploadedBy: userId,
            filename: filename ? filename.slice(0, 255) : null,
            mediaType: analysis.mediaType,
            kind: analysis.kind,
            sizeBytes: analysis.sizeBytes,
            sha256: analysis.sha256,
            tokenCount: analysis.text?.tokenCount ?? null,
            fingerprintCount: uploadHashes.length,
            fingerprintsTruncated: analysis.text?.truncated ?? false,
            phash: analysis.image ? toSigned64(analysis.image.pHash) : null,
            dhash: analysis.image ? toSigned64(analysis.image.dHash) : null,
            phashBands: analysis.image ? bands(analysis.image.pHash) : null,
            dhashBands: analysis.image ? bands(analysis.image.dHash) : null,
            width: analysis.image?.width ?? null,
            height: analysis.image?.height ?? null,
            storedCopy,
          },
          analysis.text ? { fingerprints: analysis.text.fingerprints, indexHashes: postedHashes } : null,
          found.map((f) => ({
            id: randomUUID(),
            matchedCopyrightId: f.candidate.copyrightId,
            matchedContentId: f.candidate.contentId,
            own: f.candidate.ownerId === userId,
            matchedStatus: f.candidate.status,
            kind: f.kind,
            score: f.score,
            details: f.details,
          })),
          change,
          transaction,
        );
        // The history row went with the content (store); its audit event here.
        await this.copyrights.auditChange(transaction, copyrightId, change);
        await this.notifyOwners(found, userId, transaction);
        if (deposit && storedCopy) await rename(deposit.path, storedCopy);
        const candidates = new Map(found.map((f) => [f.candidate.contentId, f.candidate]));
        return { content: contentView(content), matches: matches.map((m) => matchView(m, candidates.get(m.matchedContentId)!)) };
      });
    } catch (error) {
      await deposit?.discard();
      throw error;
    }
  }

  async content(userId: string, copyrightId: string): Promise<ContentView> {
    await this.owned(userId, copyrightId);
    const content = await this.contents.findByWork(copyrightId);
    if (!content) throw new NotFoundError('The work has no content');
    return contentView(content);
  }

  async matchesOfWork(userId: string, copyrightId: string): Promise<MatchView[]> {
    await this.owned(userId, copyrightId);
    return this.views(await this.contents.matchesOfWork(copyrightId));
  }

  /** One match, visible to the owner of the work whose upload found it; anyone else gets 404. */
  async match(userId: string, matchId: string): Promise<MatchView> {
    const match = await this.contents.findMatch(matchId);
    if (!match || !(await this.works.findOwned(userId, match.copyrightId))) throw new NotFoundError('The match does not exist');
    return (await this.views([match]))[0];
  }

  /** Every match with another owner's work, newest first (admins). */
  async alarms(limit: number, cursor?: string): Promise<Page<AdminMatchView>> {
    const rows = await this.contents.alarms(limit, decodeCursor(cursor));
    const page = toPage(rows, limit, (r) => r.position);
    const works = await this.contents.worksBrief([...new Set(page.data.flatMap((r) => [r.match.copyrightId, r.match.matchedCopyrightId]))]);
    return {
      nextCursor: page.nextCursor,
      data: page.data.map(({ match }) => {
        const upload = works.get(match.copyrightId);
        const matched = works.get(match.matchedCopyrightId);
        return {
          id: match.id,
          kind: match.kind,
          score: match.score,
          createdAt: match.createdAt,
          upload: { copyrightId: match.copyrightId, title: upload?.title ?? '', ownerId: upload?.ownerId ?? '' },
          matched: {
            copyrightId: match.matchedCopyrightId,
            title: matched?.title ?? '',
            ownerId: matched?.ownerId ?? '',
            status: match.matchedStatus,
            registrationNumber: matched?.registrationNumber ?? null,
          },
          details: match.details,
        };
      }),
    };
  }

  /**
   * What the upload looks up: for a text, the works sharing enough of its index hashes
   * (MATCH_RULES.text), with the fingerprint sets worth comparing (worthComparing); for an
   * image, those whose hashes are within the match rule's distances.
   */
  private nearLookups(analysis: ContentAnalysis, uploadHashes: Float64Array, postedHashes: readonly number[]): { text?: TextLookup; image?: ImageLookup } {
    if (analysis.text && uploadHashes.length > 0) {
      const rules = MATCH_RULES.text;
      return {
        text: {
          hashes: lookupHashes(uploadHashes, postedHashes),
          perHash: rules.perHash,
          minShared: rules.minIndexShared,
          limit: MATCH_RULES.candidates,
          sets: worthComparingTerms(analysis.text.indexHashes.length, uploadHashes.length),
        },
      };
    }
    if (analysis.image) {
      const mine = analysis.image;
      const rules = MATCH_RULES.image;
      // Every near copy (imageVerdict) has its pHash within max(maxPHash, strongPHash) bits, or
      // its dHash within strongDHash bits: the pHash bands are searched with the radii of the
      // first, the dHash bands with the (much smaller) radii of the second.
      const pRadii = bandRadii(Math.max(rules.maxPHash, rules.strongPHash));
      const dRadii = bandRadii(rules.strongDHash);
      return {
        image: {
          hashes: mine,
          bandValues: { p: bands(mine.pHash).map((b, i) => bandNeighbours(b, pRadii[i])), d: bands(mine.dHash).map((b, i) => bandNeighbours(b, dRadii[i])) },
          rules: { maxP: rules.maxPHash, maxD: rules.maxDHash, strongP: rules.strongPHash, strongD: rules.strongDHash },
          limit: MATCH_RULES.candidates,
        },
      };
    }
    return {};
  }

  /** Exact copies, then text or image near copies, of works that are the uploader's or submitted/registered. */
  private findMatches(uploaderId: string, analysis: ContentAnalysis, uploadHashes: Float64Array, sameBytes: CandidateContent[], near: NearCopies): Found[] {
    const found = new Map<string, Found>();
    for (const candidate of sameBytes) found.set(candidate.contentId, { candidate, kind: 'exact', score: 1, details: { sameBytes: true } });

    if (analysis.text && near.text.length > 0) {
      // The index found works sharing some index hashes; the whole fingerprint sets of those
      // worth comparing (fetched with them) decide: shared fingerprints, containment both
      // ways, passages.
      const uploadIndexHashes = analysis.text.indexHashes.length;
      for (const candidate of near.text) {
        if (found.has(candidate.contentId) || !worthComparing(candidate.shared, uploadIndexHashes, candidate.fingerprintCount, uploadHashes.length)) continue;
        if (!candidate.fingerprints) continue;
        const theirs = unpackFingerprints(candidate.fingerprints, (hash) => sortedHas(uploadHashes, hash));
        const verdict = textVerdict(new Set(theirs.map((f) => f.hash)).size, uploadHashes.length, candidate.fingerprintCount);
        if (!verdict.match) continue;
        const { match: _m, score, ...rest } = verdict;
        found.set(candidate.contentId, { candidate, kind: 'text', score, details: { ...rest, passages: passages(analysis.text.fingerprints, theirs) } });
      }
    }

    if (analysis.image) {
      const mine = analysis.image;
      const verdicts = near.images
        .filter((c) => c.phash !== null && c.dhash !== null && !found.has(c.contentId))
        .map((candidate) => ({ candidate, verdict: imageVerdict(mine, { pHash: fromSigned64(candidate.phash!), dHash: fromSigned64(candidate.dhash!) }) }))
        .filter((v) => v.verdict.match)
        .sort((a, b) => b.verdict.score - a.verdict.score)
        .slice(0, MATCH_RULES.candidates);
      for (const { candidate, verdict } of verdicts) {
        found.set(candidate.contentId, { candidate, kind: 'image', score: verdict.score, details: { pHashDistance: verdict.pHashDistance, dHashDistance: verdict.dHashDistance } });
      }
    }

    // Another owner's drafts, withdrawn or rejected works are private: never reported.
    return [...found.values()].filter((f) => f.candidate.ownerId === uploaderId || f.candidate.status === 'submitted' || f.candidate.status === 'registered');
  }

  /** Each other owner hears once per upload: which of their works, never who uploaded. */
  private async notifyOwners(found: Found[], uploaderId: string, transaction: DbTransaction): Promise<void> {
    for (const { candidate, kind, score } of found) {
      if (candidate.ownerId === uploaderId) continue;
      await this.notifications.notify(
        candidate.ownerId,
        {
          type: 'copyright',
          title: 'Possible copy of your work',
          body: `Content matching your work "${candidate.title}" was submitted.`,
          data: { copyrightId: candidate.copyrightId, kind, score },
        },
        { transaction },
      );
    }
  }

  private async views(matches: MatchRecord[]): Promise<MatchView[]> {
    const works = await this.contents.worksBrief([...new Set(matches.map((m) => m.matchedCopyrightId))]);
    return matches.map((m) => {
      const w = works.get(m.matchedCopyrightId);
      return matchView(m, {
        copyrightId: m.matchedCopyrightId,
        title: w?.title ?? '',
        registrationNumber: w?.registrationNumber ?? null,
        status: w?.status ?? m.matchedStatus,
      });
    });
  }

  private async owned(userId: string, copyrightId: string): Promise<CopyrightRecord> {
    const work = await this.works.findOwned(userId, copyrightId);
    if (!work) throw new NotFoundError('The work does not exist');
    return work;
  }

  /** A temporary file in the content directory, renamed into place when the upload is kept. */
  private async openDeposit(dir: string): Promise<{ path: string; write: (chunk: Buffer) => Promise<void>; close: () => Promise<void>; discard: () => Promise<void> }> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, `.upload-${randomUUID()}`);
    const stream: WriteStream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    const failed = new Promise<never>((_, reject) => stream.once('error', reject));
    failed.catch(() => undefined);
    return {
      path,
      write: async (chunk) => {
        if (!stream.write(chunk)) await Promise.race([new Promise<void>((resolve) => stream.once('drain', () => resolve())), failed]);
      },
      close: () => Promise.race([new Promise<void>((resolve) => stream.end(resolve)), failed]),
      discard: async () => {
        stream.destroy();
        await rm(path, { force: true }).catch((error: unknown) => this.logger.warn(`could not remove a discarded upload: ${String(error)}`));
      },
    };
  }
}

/** The fingerprints' hashes in a typed array (no intermediate array of boxed numbers). */
function fingerprintHashes(fingerprints: ReadonlyArray<{ hash: number }>): Float64Array {
  const out = new Float64Array(fingerprints.length);
  for (let i = 0; i < fingerprints.length; i++) out[i] = fingerprints[i].hash;
  return out;
}

function contentView(c: ContentRecord): ContentView {
  return {
    kind: c.kind,
    mediaType: c.mediaType,
    filename: c.filename,
    sizeBytes: c.sizeBytes,
    sha256: c.sha256,
    tokenCount: c.tokenCount,
    fingerprintCount: c.fingerprintCount,
    fingerprintsTruncated: c.fingerprintsTruncated,
    pHash: c.phash === null ? null : hashHex(c.phash),
    dHash: c.dhash === null ? null : hashHex(c.dhash),
    width: c.width,
    height: c.height,
    depositCopyKept: c.storedCopy !== null,
    uploadedAt: c.createdAt,
  };
}

function matchView(m: MatchRecord, work: { copyrightId: string; title: string; registrationNumber: string | null; status: string }): MatchView {
  return {
    id: m.id,
    copyrightId: m.copyrightId,
    kind: m.kind,
    score: m.score,
    own: m.own,
    alert: m.own ? null : m.matchedStatus === 'registered' ? ALERT_REGISTERED : ALERT_SUBMITTED,
    work: { id: m.own ? work.copyrightId : null, title: work.title, status: m.own ? work.status : m.matchedStatus, registrationNumber: work.registrationNumber },
    details: m.details,
    createdAt: m.createdAt,
  };
}
