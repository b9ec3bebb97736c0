/**
 * `npm run bench:copyrights`: the copyright content fingerprints and near-copy matching (issue 11).
 *
 *   1. Detection quality, in process, with the API's own code (content-analyzer.ts, winnowing.ts,
 *      matching.ts): generated originals, altered copies of them and unrelated documents.
 *      Text (Zipf-distributed vocabulary of 8,000 generated words, paragraphs of sentences):
 *      insertions (+1 new sentence after every 3rd), deletions (30% of sentences dropped),
 *      reordered paragraphs, and a 30% excerpt (contiguous) inside an unrelated text of the same
 *      length. Images (generated scenes, 640x480 PNG): resized to 55%, JPEG quality 40, 10% crop
 *      (5% off each side), brightness +20% and -20%, a text overlay (banner and caption).
 *      Long texts: BENCH_LONG_TEXT_ORIGINALS texts of 476 KB (index level 4) and as many of 5 KB
 *      (level 0) in one stored pool: the same text alterations of the long ones, a 5 KB work
 *      quoted inside a 476 KB upload, a 5 KB excerpt of a 476 KB work, against
 *      BENCH_LONG_UNRELATED unrelated texts (half of each size).
 *      Recall = altered copies matched to their original / copies; false-match rate = unrelated
 *      documents that match any original / unrelated documents. Targets: recall >= 0.95 at a
 *      false-match rate <= 1%.
 *   2. Upload throughput through the API (MB/s, one upload at a time, each file to a new draft)
 *      against `sha256sum` of the same files in the same run (one sha256sum process per file, and
 *      one for all of them). Target: API / sha256sum >= 0.5 for text and for images.
 *   3. Match latency with BENCH_WORKS stored works' fingerprints (70% text with
 *      BENCH_FINGERPRINTS_PER_WORK fingerprints each, 30% images), loaded with SQL; one of them
 *      is the registered original of the probe, so every probe upload finds a match. Latency of
 *      POST /v1/copyrights/:id/content (fingerprinting, storing, matching, answering) for a 5 KB
 *      text and for a small image. Target: p95 < 50 ms.
 *
 * Environment, all optional: BENCH_DATABASE_URL (else an embedded PostgreSQL), BENCH_WORKS
 * (100000), BENCH_FINGERPRINTS_PER_WORK (60), BENCH_TEXT_ORIGINALS (60), BENCH_LONG_TEXT_ORIGINALS
 * (10), BENCH_LONG_UNRELATED (40), BENCH_IMAGE_ORIGINALS (40), BENCH_UNRELATED (200),
 * BENCH_UPLOAD_FILES (12 per kind), BENCH_PROBES (60).
 * Seeding 100,000 works takes minutes: with BENCH_DATABASE_URL, a database that already holds a
 * seed of exactly BENCH_WORKS works (from an earlier run, or BENCH_SEED_ONLY=1, which stops after
 * seeding) is reused, and the report says so (the throughput part then runs beside those works).
 * The report goes to stdout and bench/out/copyrights-<timestamp>.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import sharp from 'sharp';
import { analyzeContent } from '../libs/copyrights/src/content/content-analyzer';
import { packFingerprints } from '../libs/copyrights/src/content/fingerprint-pack';
import { imageVerdict, indexLevelOf, lookupHashes, MATCH_RULES, textVerdict, worthComparing } from '../libs/copyrights/src/content/matching';
import { winnow, WINNOW_INDEX_W, WINNOW_W } from '../libs/copyrights/src/content/winnowing';
import {
  commandLine,
  fmtMs,
  fmtRatio,
  gitRevision,
  intFromEnv,
  log,
  machineDescription,
  OUT_DIR,
  percentile,
  postgresVersion,
  processCpuMs,
  provideDatabase,
  prng,
  runMain,
  startApi,
  tempDir,
} from './lib';

const settings = {
  works: intFromEnv('BENCH_WORKS', 100_000, 100),
  fingerprintsPerWork: intFromEnv('BENCH_FINGERPRINTS_PER_WORK', 60, 1, 10_000),
  textOriginals: intFromEnv('BENCH_TEXT_ORIGINALS', 60, 2),
  longTextOriginals: intFromEnv('BENCH_LONG_TEXT_ORIGINALS', 10, 1),
  longUnrelated: intFromEnv('BENCH_LONG_UNRELATED', 40, 2),
  imageOriginals: intFromEnv('BENCH_IMAGE_ORIGINALS', 40, 2),
  unrelated: intFromEnv('BENCH_UNRELATED', 200, 10),
  uploadFiles: intFromEnv('BENCH_UPLOAD_FILES', 12, 1),
  probes: intFromEnv('BENCH_PROBES', 60, 5),
};
/** BENCH_PARTS: which of quality, throughput, latency to run (default all), so that each locked run stays short. */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'quality,throughput,latency').split(',').map((p) => p.trim()));
const VARIABLES = ['BENCH_API_NODE_ARGS', 'BENCH_PARTS', 'BENCH_SEED_ONLY', 'BENCH_DATABASE_URL', 'BENCH_WORKS', 'BENCH_FINGERPRINTS_PER_WORK', 'BENCH_TEXT_ORIGINALS', 'BENCH_LONG_TEXT_ORIGINALS', 'BENCH_LONG_UNRELATED', 'BENCH_IMAGE_ORIGINALS', 'BENCH_UNRELATED', 'BENCH_UPLOAD_FILES', 'BENCH_PROBES'];

// ---------------------------------------------------------------- generated texts

const SYLLABLES = 'ka to ri mu se la no vi de ra po shi ne ta lo mi ga be ku fa re so di pa lu ho ze ti na'.split(' ');
const VOCABULARY: string[] = (() => {
  const random = prng(11);
  const words = new Set<string>();
  while (words.size < 8000) {
    const n = 1 + Math.floor(random() * 3) + (random() < 0.3 ? 1 : 0);
    words.add(Array.from({ length: n }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
  }
  return [...words];
})();
// Zipf: rank r drawn with weight 1/r, as in natural language (a few very common words).
const ZIPF: Float64Array = (() => {
  const cumulative = new Float64Array(VOCABULARY.length);
  let sum = 0;
  for (let r = 0; r < VOCABULARY.length; r++) cumulative[r] = sum += 1 / (r + 1);
  for (let r = 0; r < cumulative.length; r++) cumulative[r] /= sum;
  return cumulative;
})();

function zipfWord(random: () => number): string {
  const x = random();
  let lo = 0;
  let hi = ZIPF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo];
}

function sentence(random: () => number): string {
  const words = Array.from({ length: 8 + Math.floor(random() * 13) }, () => zipfWord(random));
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return `${words.join(' ')}.`;
}

/** Paragraphs of sentences. */
function document(seed: number, paragraphs: number): string[][] {
  const random = prng(seed);
  return Array.from({ length: paragraphs }, () => Array.from({ length: 4 + Math.floor(random() * 5) }, () => sentence(random)));
}

const render = (doc: string[][]) => doc.map((p) => p.join(' ')).join('\n\n');

const TEXT_ALTERATIONS: Record<string, (doc: string[][], seed: number) => string> = {
  insertions: (doc, seed) => {
    const random = prng(seed);
    let i = 0;
    return render(doc.map((p) => p.flatMap((s) => (++i % 3 === 0 ? [s, sentence(random)] : [s]))));
  },
  deletions: (doc, seed) => {
    const random = prng(seed);
    return render(doc.map((p) => p.filter(() => random() >= 0.3)).filter((p) => p.length > 0));
  },
  'reordered paragraphs': (doc, seed) => {
    const random = prng(seed);
    const shuffled = [...doc];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    return render(shuffled);
  },
  '30% excerpt inside other text': (doc, seed) => {
    const sentences = doc.flat();
    const take = Math.round(sentences.length * 0.3);
    const start = Math.floor(prng(seed)() * (sentences.length - take));
    const other = document(seed + 1_000_000, doc.length).flat();
    const half = Math.floor(other.length / 2);
    return [...other.slice(0, half), ...sentences.slice(start, start + take), ...other.slice(half)].join(' ');
  },
};

// ---------------------------------------------------------------- generated images

function scene(seed: number, width = 640, height = 480, noise = false): Promise<Buffer> {
  const random = prng(seed);
  const colour = () => `rgb(${Math.floor(random() * 256)},${Math.floor(random() * 256)},${Math.floor(random() * 256)})`;
  const x = () => Math.floor(random() * width);
  const y = () => Math.floor(random() * height);
  const shapes: string[] = [];
  for (let i = 0; i < 6 + Math.floor(random() * 6); i++) {
    const kind = Math.floor(random() * 4);
    const opacity = (0.5 + random() * 0.5).toFixed(2);
    if (kind === 0) shapes.push(`<circle cx="${x()}" cy="${y()}" r="${20 + random() * width * 0.25}" fill="${colour()}" opacity="${opacity}"/>`);
    else if (kind === 1) shapes.push(`<rect x="${x()}" y="${y()}" width="${30 + random() * width * 0.4}" height="${30 + random() * height * 0.4}" fill="${colour()}" opacity="${opacity}" transform="rotate(${Math.floor(random() * 90)} ${x()} ${y()})"/>`);
    else if (kind === 2) shapes.push(`<polygon points="${x()},${y()} ${x()},${y()} ${x()},${y()}" fill="${colour()}" opacity="${opacity}"/>`);
    else shapes.push(`<ellipse cx="${x()}" cy="${y()}" rx="${20 + random() * width * 0.3}" ry="${10 + random() * height * 0.2}" fill="${colour()}" opacity="${opacity}"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="${random().toFixed(2)}" y2="1"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>
    <rect width="${width}" height="${height}" fill="url(#g)"/>${shapes.join('')}</svg>`;
  const image = sharp(Buffer.from(svg));
  if (!noise) return image.png().toBuffer();
  // Photo-like files (about 1 MB as JPEG): the scene with grain.
  return image
    .raw()
    .toBuffer({ resolveWithObject: true })
    .then(({ data, info }) => {
      for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i] + Math.floor((random() - 0.5) * 60)));
      return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: 92 }).toBuffer();
    });
}

const IMAGE_ALTERATIONS: Record<string, (png: Buffer) => Promise<Buffer>> = {
  'resize 55%': (png) => sharp(png).resize(352).png().toBuffer(),
  'JPEG quality 40': (png) => sharp(png).jpeg({ quality: 40 }).toBuffer(),
  '10% crop': (png) => sharp(png).extract({ left: 32, top: 24, width: 576, height: 432 }).png().toBuffer(),
  'brightness +20%': (png) => sharp(png).modulate({ brightness: 1.2 }).png().toBuffer(),
  'brightness -20%': (png) => sharp(png).modulate({ brightness: 0.8 }).png().toBuffer(),
  'text overlay': (png) =>
    sharp(png)
      .composite([
        {
          input: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect x="0" y="400" width="640" height="60" fill="black" opacity="0.6"/><text x="20" y="440" font-size="36" font-family="sans-serif" fill="white">© Sample Stock Photos 2026</text></svg>',
          ),
          top: 0,
          left: 0,
        },
      ])
      .png()
      .toBuffer(),
};

async function* once(data: Buffer): AsyncGenerator<Buffer> {
  yield data;
}

// ---------------------------------------------------------------- 1. quality

interface QualityRow {
  kind: string;
  copies: number;
  matched: number;
}

interface TextQuality {
  rows: QualityRow[];
  unrelated: number;
  falseMatches: number;
  missedByIndex: number;
  accepted: number;
  missedByIndexHashesAlone: number;
  /** The index levels of the stored texts, lowest and highest. */
  storedLevels: [number, number];
}

/**
 * Text detection as the API decides it: each stored text posts the index hashes of its level
 * (indexLevelOf); an upload looks up every fingerprint when it has at most lookupAllUpTo, else the
 * index hashes of its own level; a work is a candidate when those hit its postings and
 * worthComparing says so; its whole fingerprint set then decides by the match rule. `cases` give,
 * per alteration, the upload meant to match stored text i.
 */
function textDetection(storedTexts: string[], cases: Record<string, Array<{ upload: () => string; original: number }>>, unrelatedTexts: Array<() => string>): TextQuality {
  const stored = storedTexts.map((text) => {
    const set = winnow(text);
    const all = new Set(set.fingerprints.map((f) => f.hash));
    return { all, posted: set.indexLevels[indexLevelOf(all.size)] };
  });
  let missedByIndex = 0;
  let accepted = 0;
  // With the upload's level hashes alone (no lookup of every fingerprint): what the index level alone reaches.
  let missedByIndexHashesAlone = 0;
  const matchesOf = (text: string): number[] => {
    const set = winnow(text);
    const mine = new Set(set.fingerprints.map((f) => f.hash));
    const levelHashes = set.indexLevels[indexLevelOf(mine.size)];
    const alone = new Set(levelHashes);
    const lookup = new Set(lookupHashes([...mine], levelHashes));
    const found: number[] = [];
    stored.forEach((theirs, i) => {
      let shared = 0;
      for (const h of mine) if (theirs.all.has(h)) shared++;
      if (!textVerdict(shared, mine.size, theirs.all.size).match) return;
      accepted++;
      const aloneShared = theirs.posted.filter((h) => alone.has(h)).length;
      if (aloneShared === 0 || !worthComparing(aloneShared, set.indexHashes.length, theirs.all.size, mine.size)) missedByIndexHashesAlone++;
      const indexShared = theirs.posted.filter((h) => lookup.has(h)).length;
      if (indexShared > 0 && worthComparing(indexShared, set.indexHashes.length, theirs.all.size, mine.size)) found.push(i);
      else missedByIndex++;
    });
    return found;
  };
  const rows: QualityRow[] = Object.entries(cases).map(([kind, copies]) => ({ kind, copies: copies.length, matched: copies.filter((c) => matchesOf(c.upload()).includes(c.original)).length }));
  const falseMatches = unrelatedTexts.filter((t) => matchesOf(t()).length > 0).length;
  const levels = stored.map((t) => indexLevelOf(t.all.size));
  return { rows, unrelated: unrelatedTexts.length, falseMatches, missedByIndex, accepted, missedByIndexHashesAlone, storedLevels: [Math.min(...levels), Math.max(...levels)] };
}

async function textQuality(): Promise<TextQuality> {
  const originals = Array.from({ length: settings.textOriginals }, (_, i) => document(1000 + i, 6 + (i % 10)));
  const cases = Object.fromEntries(Object.entries(TEXT_ALTERATIONS).map(([kind, alter]) => [kind, originals.map((doc, i) => ({ upload: () => alter(doc, 5000 + i), original: i }))]));
  const unrelated = Array.from({ length: settings.unrelated }, (_, i) => () => render(document(900_000 + i, 6 + (i % 10))));
  return textDetection(originals.map(render), cases, unrelated);
}

/**
 * Long texts (476 KB, as the throughput files: about 16,700 fingerprints, index level 4) and 5 KB ones (level 0) in one
 * stored pool: the same alterations of the long ones, a 5 KB work quoted inside a long upload,
 * and a 5 KB excerpt of a long work uploaded alone (texts of different levels).
 */
async function longTextQuality(): Promise<TextQuality> {
  const n = settings.longTextOriginals;
  const longDocs = Array.from({ length: n }, (_, i) => document(1_500_000 + i, 900));
  const shortTexts = Array.from({ length: n }, (_, i) => render(document(1_600_000 + i, 8)).slice(0, 5000));
  const storedTexts = [...longDocs.map(render), ...shortTexts];
  const cases: Record<string, Array<{ upload: () => string; original: number }>> = Object.fromEntries(
    Object.entries(TEXT_ALTERATIONS).map(([kind, alter]) => [`476 KB: ${kind}`, longDocs.map((doc, i) => ({ upload: () => alter(doc, 1_700_000 + i), original: i }))]),
  );
  cases['a 5 KB work quoted inside a 476 KB text'] = shortTexts.map((short, i) => ({
    upload: () => {
      const other = render(document(1_800_000 + i, 900));
      const middle = other.indexOf('\n\n', other.length / 2);
      return `${other.slice(0, middle)}\n\n${short}${other.slice(middle)}`;
    },
    original: n + i,
  }));
  cases['a 5 KB excerpt of a 476 KB work'] = longDocs.map((doc, i) => ({
    upload: () => {
      const text = render(doc);
      const from = text.indexOf(' ', Math.floor(text.length * (0.1 + (0.8 * i) / n)));
      return text.slice(from + 1, from + 5001);
    },
    original: i,
  }));
  const unrelated = Array.from({ length: settings.longUnrelated }, (_, i) => () => render(document(1_900_000 + i, i % 2 === 0 ? 900 : 8)).slice(0, i % 2 === 0 ? undefined : 5000));
  return textDetection(storedTexts, cases, unrelated);
}

async function imageQuality(): Promise<{ rows: QualityRow[]; unrelated: number; falseMatches: number }> {
  const hashes = async (data: Buffer) => (await analyzeContent(once(data), { maxBytes: 1e8 })).image!;
  const originals: Buffer[] = [];
  const originalHashes: Array<{ pHash: bigint; dHash: bigint }> = [];
  for (let i = 0; i < settings.imageOriginals; i++) {
    originals.push(await scene(2000 + i));
    originalHashes.push(await hashes(originals[i]));
  }
  const matchesOf = async (data: Buffer): Promise<number[]> => {
    const mine = await hashes(data);
    return originalHashes.flatMap((theirs, i) => (imageVerdict(mine, theirs).match ? [i] : []));
  };
  const rows: QualityRow[] = [];
  for (const [kind, alter] of Object.entries(IMAGE_ALTERATIONS)) {
    let matched = 0;
    for (let i = 0; i < originals.length; i++) if ((await matchesOf(await alter(originals[i]))).includes(i)) matched++;
    rows.push({ kind, copies: originals.length, matched });
  }
  let falseMatches = 0;
  for (let i = 0; i < settings.unrelated; i++) if ((await matchesOf(await scene(800_000 + i))).length > 0) falseMatches++;
  return { rows, unrelated: settings.unrelated, falseMatches };
}

// ---------------------------------------------------------------- API helpers

async function json(response: Response, expected: number, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function registerUser(base: string): Promise<{ token: string; id: string }> {
  const email = `bench-${randomBytes(5).toString('hex')}@example.com`;
  const body = await json(
    await fetch(`${base}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery staple' }) }),
    201,
    'register',
  );
  return { token: body.accessToken as string, id: (body.user as { id: string }).id };
}

async function newWork(base: string, token: string, workType: string): Promise<string> {
  const body = await json(
    await fetch(`${base}/v1/copyrights`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: `Bench ${randomBytes(3).toString('hex')}`, workType, authors: [{ name: 'Bench' }], creationDate: '2020-01-01' }),
    }),
    201,
    'create work',
  );
  return body.id as string;
}

async function upload(base: string, token: string, id: string, data: Buffer, filename: string): Promise<Record<string, unknown>> {
  const form = new FormData();
  form.append('file', new Blob([data]), filename);
  return json(await fetch(`${base}/v1/copyrights/${id}/content`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }), 201, 'upload');
}

// ---------------------------------------------------------------- 2. throughput

interface Throughput {
  kind: string;
  files: number;
  bytes: number;
  apiMBps: number;
  sha256PerFileMBps: number;
  sha256OneProcessMBps: number;
  /** The API process's CPU (user + system, all threads) per upload. */
  apiCpuMs: number | undefined;
}

async function throughput(base: string, token: string, apiPid: number | undefined): Promise<Throughput[]> {
  const dir = tempDir('clearmark-bench-copyrights-');
  const sets: Record<string, string[]> = { text: [], image: [] };
  for (let i = 0; i < settings.uploadFiles; i++) {
    const text = join(dir, `text-${i}.txt`);
    writeFileSync(text, render(document(300_000 + i, 900)));
    sets.text.push(text);
    const image = join(dir, `image-${i}.jpg`);
    writeFileSync(image, await scene(400_000 + i, 1600, 1200, true));
    sets.image.push(image);
  }
  const results: Throughput[] = [];
  for (const [kind, files] of Object.entries(sets)) {
    const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    let t = process.hrtime.bigint();
    for (const f of files) {
      const r = spawnSync('sha256sum', [f]);
      if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr.toString()}`);
    }
    const perFileS = Number(process.hrtime.bigint() - t) / 1e9;
    t = process.hrtime.bigint();
    if (spawnSync('sha256sum', files).status !== 0) throw new Error('sha256sum failed');
    const oneProcessS = Number(process.hrtime.bigint() - t) / 1e9;
    const works: string[] = [];
    for (const _ of files) works.push(await newWork(base, token, kind === 'text' ? 'literary' : 'visual'));
    let apiS = 0;
    const cpuBefore = processCpuMs(apiPid);
    for (let i = 0; i < files.length; i++) {
      const data = readFileSync(files[i]);
      const started = process.hrtime.bigint();
      await upload(base, token, works[i], data, files[i].split('/').pop()!);
      apiS += Number(process.hrtime.bigint() - started) / 1e9;
    }
    const cpuAfter = processCpuMs(apiPid);
    const apiCpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / files.length;
    const mb = bytes / 1e6;
    results.push({ kind, files: files.length, bytes, apiMBps: mb / apiS, sha256PerFileMBps: mb / perFileS, sha256OneProcessMBps: mb / oneProcessS, apiCpuMs });
    log(
      `${kind}: API ${(mb / apiS).toFixed(1)} MB/s, sha256sum ${(mb / perFileS).toFixed(1)} MB/s per file, ${(mb / oneProcessS).toFixed(1)} MB/s in one process, API CPU ${apiCpuMs === undefined ? '-' : apiCpuMs.toFixed(1)} ms per upload`,
    );
  }
  return results;
}

// ---------------------------------------------------------------- 3. latency at scale

async function loadWorks(url: string, ownerId: string, probeText: string, probeImage: { pHash: bigint; dHash: bigint }): Promise<void> {
  const sql = new Client({ connectionString: url });
  await sql.connect();
  try {
    const textWorks = Math.floor(settings.works * 0.7);
    log(`loading ${settings.works} works (${textWorks} text with ${settings.fingerprintsPerWork} fingerprints each, the rest images)`);
    await sql.query(
      `INSERT INTO copyrights (id, user_id, title, work_type, creation_date, status, registration_number)
       SELECT gen_random_uuid(), $1, 'Stored ' || g, CASE WHEN g <= $2 THEN 'literary' ELSE 'visual' END, '2001-01-01', 'registered',
              CASE WHEN g <= $2 THEN 'TX' ELSE 'VA' END || lpad(g::text, 10, '0')
         FROM generate_series(1, $3) g`,
      [ownerId, textWorks, settings.works],
    );
    await sql.query(
      `INSERT INTO copyright_contents (copyright_id, media_type, kind, size_bytes, sha256, fingerprint_count, phash, dhash,
              phash_b0, phash_b1, phash_b2, phash_b3, dhash_b0, dhash_b1, dhash_b2, dhash_b3)
       SELECT w.id, CASE WHEN w.work_type = 'literary' THEN 'text/plain' ELSE 'image/png' END,
              CASE WHEN w.work_type = 'literary' THEN 'text' ELSE 'image' END, 10000, md5(w.id::text), CASE WHEN w.work_type = 'literary' THEN $2 ELSE 0 END,
              h.p, h.d,
              (h.p >> 48) & 65535, (h.p >> 32) & 65535, (h.p >> 16) & 65535, h.p & 65535,
              (h.d >> 48) & 65535, (h.d >> 32) & 65535, (h.d >> 16) & 65535, h.d & 65535
         FROM copyrights w
         CROSS JOIN LATERAL (SELECT CASE WHEN w.work_type = 'visual' THEN ('x' || substr(md5(w.id::text || 'p'), 1, 16))::bit(64)::bigint END AS p,
                                    CASE WHEN w.work_type = 'visual' THEN ('x' || substr(md5(w.id::text || 'd'), 1, 16))::bit(64)::bigint END AS d) h
        WHERE w.user_id = $1`,
      [ownerId, settings.fingerprintsPerWork],
    );
    // Each text work: its fingerprints packed in one row, and as many index hashes (postings) as
    // the index winnowing selects for that many fingerprints (density 2/(W_INDEX+1) of the
    // k-grams against 2/(w+1)).
    const indexPerWork = Math.max(1, Math.round((settings.fingerprintsPerWork * (WINNOW_W + 1)) / (WINNOW_INDEX_W + 1)));
    await sql.query(
      `INSERT INTO copyright_text_fingerprint_sets (content_id, fingerprints, index_hashes)
       SELECT c.id, f.packed, f.index
         FROM copyright_contents c JOIN copyrights w ON w.id = c.copyright_id AND w.user_id = $2
        CROSS JOIN LATERAL (
          SELECT string_agg(int8send(x.h) || int4send(x.g * 3) || int4send(x.g * 20) || int4send(x.g * 20 + 30), ''::bytea ORDER BY x.g) AS packed,
                 (array_agg(x.h ORDER BY x.g))[1:$3] AS index
            FROM (SELECT g, (random() * 9007199254740991)::bigint AS h FROM generate_series(0, $1 - 1) g WHERE c.id IS NOT NULL) x
        ) f
        WHERE c.kind = 'text'`,
      [settings.fingerprintsPerWork, ownerId, indexPerWork],
    );
    await sql.query(
      `INSERT INTO copyright_text_postings (hash, content_id)
       SELECT DISTINCT h, s.content_id FROM copyright_text_fingerprint_sets s JOIN copyright_contents c ON c.id = s.content_id
         JOIN copyrights w ON w.id = c.copyright_id AND w.user_id = $1 CROSS JOIN LATERAL unnest(s.index_hashes) AS h`,
      [ownerId],
    );
    // The probes' originals: one stored text work carries the probe text's real fingerprints and index hashes, one image work its hashes.
    const probe = winnow(probeText);
    const textOriginal = (
      await sql.query<{ id: string }>(`SELECT c.id FROM copyright_contents c JOIN copyrights w ON w.id = c.copyright_id AND w.user_id = $1 WHERE c.kind = 'text' LIMIT 1`, [ownerId])
    ).rows[0].id;
    await sql.query('DELETE FROM copyright_text_postings p USING copyright_text_fingerprint_sets s, unnest(s.index_hashes) h WHERE s.content_id = $1 AND p.content_id = $1 AND p.hash = h', [textOriginal]);
    await sql.query('DELETE FROM copyright_text_fingerprint_sets WHERE content_id = $1', [textOriginal]);
    const probeIndex = probe.indexHashes.map(String);
    await sql.query('INSERT INTO copyright_text_fingerprint_sets (content_id, fingerprints, index_hashes) VALUES ($1, $2, $3::bigint[])', [textOriginal, packFingerprints(probe.fingerprints), probeIndex]);
    await sql.query('INSERT INTO copyright_text_postings (hash, content_id) SELECT h, $1 FROM unnest($2::bigint[]) AS h', [textOriginal, probeIndex]);
    await sql.query('UPDATE copyright_contents SET fingerprint_count = $2 WHERE id = $1', [textOriginal, new Set(probe.fingerprints.map((f) => f.hash)).size]);
    const p = BigInt.asIntN(64, probeImage.pHash);
    const d = BigInt.asIntN(64, probeImage.dHash);
    await sql.query(
      `UPDATE copyright_contents SET phash = $2::bigint, dhash = $3::bigint,
              phash_b0 = ($2::bigint >> 48) & 65535, phash_b1 = ($2::bigint >> 32) & 65535, phash_b2 = ($2::bigint >> 16) & 65535, phash_b3 = $2::bigint & 65535,
              dhash_b0 = ($3::bigint >> 48) & 65535, dhash_b1 = ($3::bigint >> 32) & 65535, dhash_b2 = ($3::bigint >> 16) & 65535, dhash_b3 = $3::bigint & 65535
        WHERE id = (SELECT c.id FROM copyright_contents c JOIN copyrights w ON w.id = c.copyright_id AND w.user_id = $1 WHERE c.kind = 'image' LIMIT 1)`,
      [ownerId, p.toString(), d.toString()],
    );
    log('VACUUM ANALYZE');
    await sql.query('VACUUM ANALYZE copyrights, copyright_contents, copyright_text_fingerprint_sets, copyright_text_postings');
    const rows = await sql.query<{ sets: string; postings: string }>(
      'SELECT (SELECT count(*) FROM copyright_text_fingerprint_sets) AS sets, (SELECT count(*) FROM copyright_text_postings) AS postings',
    );
    log(`${rows.rows[0].sets} text fingerprint sets and ${rows.rows[0].postings} postings stored`);
  } finally {
    await sql.end();
  }
}

/** The number of works of the largest earlier seed in this database (0: none). */
async function earlierSeed(url: string): Promise<number> {
  const sql = new Client({ connectionString: url });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM copyrights WHERE title LIKE 'Stored %' AND registration_number IS NOT NULL GROUP BY user_id ORDER BY count(*) DESC LIMIT 1`,
    );
    return rows.length > 0 ? Number(rows[0].n) : 0;
  } finally {
    await sql.end();
  }
}

async function latency(
  base: string,
  token: string,
  data: Buffer,
  filename: string,
  workType: string,
  apiPid: number | undefined,
): Promise<{ p50: number; p95: number; max: number; matched: number; apiCpuMs: number | undefined }> {
  const id = await newWork(base, token, workType);
  const times: number[] = [];
  let matched = 0;
  // The API process's CPU (all its threads, sharp's too) over the measured uploads: unlike latency, it hardly moves with the machine's other load.
  let cpuBefore: number | undefined;
  for (let i = 0; i < settings.probes + 3; i++) {
    if (i === 3) cpuBefore = processCpuMs(apiPid);
    const started = process.hrtime.bigint();
    const body = await upload(base, token, id, data, filename);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (i >= 3) {
      times.push(ms);
      if ((body.matches as unknown[]).length > 0) matched++;
    }
  }
  const cpuAfter = processCpuMs(apiPid);
  const sorted = Float64Array.from(times).sort();
  const apiCpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / settings.probes;
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1], matched, apiCpuMs };
}

// ---------------------------------------------------------------- main

runMain(async () => {
  const started = new Date();
  const database = await provideDatabase();
  log('starting the API (migrates the database)');
  // BENCH_API_NODE_ARGS: extra node options for the API (e.g. --cpu-prof --cpu-prof-dir=...), which NODE_OPTIONS refuses.
  const apiNodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const api = await startApi(database.url, { AUTH_RATE_LIMIT_MAX: '100000', RATE_LIMIT_MAX: '1000000' }, apiNodeArgs);
  const probeText = render(document(77, 6)).slice(0, 5000);
  const probePng = await scene(78, 320, 240);
  const probeHashes = (await analyzeContent(once(probePng), { maxBytes: 1e8 })).image!;
  const seed = async (): Promise<string> => {
    if (!database.disposable && (await earlierSeed(database.url)) === settings.works) {
      log(`reusing the ${settings.works} works seeded earlier in this database`);
      return `Reused a seed of ${settings.works.toLocaleString('en-US')} works made earlier in this database (the throughput part ran beside them).`;
    }
    const owner = await registerUser(api.base);
    const seedStarted = Date.now();
    await loadWorks(database.url, owner.id, probeText, probeHashes);
    const seconds = (Date.now() - seedStarted) / 1000;
    log(`seeding took ${seconds.toFixed(0)} s`);
    return `Seeding the stored works with SQL took ${seconds.toFixed(0)} s.`;
  };
  if (process.env.BENCH_SEED_ONLY === '1') {
    await seed();
    return;
  }

  let quality: { text: TextQuality; longText: TextQuality; images: Awaited<ReturnType<typeof imageQuality>> } | undefined;
  if (PARTS.has('quality')) {
    log('1. detection quality (in process)');
    const text = await textQuality();
    log(`text: ${text.rows.map((r) => `${r.kind} ${r.matched}/${r.copies}`).join(', ')}; false matches ${text.falseMatches}/${text.unrelated}`);
    const longText = await longTextQuality();
    log(`long text: ${longText.rows.map((r) => `${r.kind} ${r.matched}/${r.copies}`).join(', ')}; false matches ${longText.falseMatches}/${longText.unrelated}`);
    const images = await imageQuality();
    log(`images: ${images.rows.map((r) => `${r.kind} ${r.matched}/${r.copies}`).join(', ')}; false matches ${images.falseMatches}/${images.unrelated}`);
    quality = { text, longText, images };
  }

  const uploader = await registerUser(api.base);
  let rates: Throughput[] | undefined;
  if (PARTS.has('throughput')) {
    log('2. upload throughput');
    rates = await throughput(api.base, uploader.token, api.child.pid);
  }

  let latencies: { seedNote: string; text: Awaited<ReturnType<typeof latency>>; image: Awaited<ReturnType<typeof latency>> } | undefined;
  if (PARTS.has('latency')) {
    log('3. match latency at scale');
    const seedNote = await seed();
    const textLatency = await latency(api.base, uploader.token, Buffer.from(probeText), 'probe.txt', 'literary', api.child.pid);
    const imageLatency = await latency(api.base, uploader.token, probePng, 'probe.png', 'visual', api.child.pid);
    latencies = { seedNote, text: textLatency, image: imageLatency };
  }

  const recall = (rows: QualityRow[]) => rows.reduce((s, r) => s + r.matched, 0) / rows.reduce((s, r) => s + r.copies, 0);
  const lines = [
    `## Copyrights: content fingerprints and near copies (${started.toISOString()})`,
    '',
    `Command: \`${commandLine(VARIABLES, 'bench:copyrights')}\`, revision ${gitRevision()}, ${machineDescription()}, PostgreSQL ${await postgresVersion(database.url)} (${database.source}).`,
    '',
  ];
  if (quality) {
    const { text, longText, images } = quality;
    lines.push(
      '### Detection quality (the API\'s own analyzer and match rules, in process)',
      '',
      '| altered copy | copies | matched to their original | recall |',
      '| --- | ---: | ---: | ---: |',
      ...[...text.rows.map((r) => ({ ...r, kind: `text: ${r.kind}` })), ...longText.rows.map((r) => ({ ...r, kind: `text: ${r.kind}` })), ...images.rows.map((r) => ({ ...r, kind: `image: ${r.kind}` }))].map(
        (r) => `| ${r.kind} | ${r.copies} | ${r.matched} | ${fmtRatio(r.matched / r.copies)} |`,
      ),
      '',
      `Text: recall ${fmtRatio(recall(text.rows))} over all alterations; ${text.falseMatches} of ${text.unrelated} unrelated texts matched an original (false-match rate ${(100 * text.falseMatches / text.unrelated).toFixed(1)}%). Of the ${text.accepted} pairs the match rule accepts, the index lookup did not reach ${text.missedByIndex}; with the upload's index hashes alone (what an upload of over ${MATCH_RULES.text.lookupAllUpTo} fingerprints looks up) ${text.missedByIndexHashesAlone}.`,
      `Long and short texts in one pool (${settings.longTextOriginals} texts of 476 KB and ${settings.longTextOriginals} of 5 KB, stored at index levels ${longText.storedLevels[0]} to ${longText.storedLevels[1]}): recall ${fmtRatio(recall(longText.rows))}; ${longText.falseMatches} of ${longText.unrelated} unrelated texts (half 476 KB, half 5 KB) matched one (false-match rate ${(100 * longText.falseMatches / longText.unrelated).toFixed(1)}%). Of the ${longText.accepted} pairs the match rule accepts, the index lookup did not reach ${longText.missedByIndex}; with the upload's level hashes alone ${longText.missedByIndexHashesAlone}.`,
      `Images: recall ${fmtRatio(recall(images.rows))}; ${images.falseMatches} of ${images.unrelated} unrelated images matched an original (false-match rate ${(100 * images.falseMatches / images.unrelated).toFixed(1)}%).`,
      'Target: recall >= 0.95 at a false-match rate <= 1%.',
      '',
    );
  }
  if (rates) {
    lines.push(
      '### Upload throughput through the API (one upload at a time) vs sha256sum of the same files',
      '',
      '| files | count | MB | API MB/s | sha256sum per file MB/s | API / sha256sum | sha256sum one process MB/s | API / that | API CPU ms per upload |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rates.map(
        (r) =>
          `| ${r.kind} | ${r.files} | ${(r.bytes / 1e6).toFixed(1)} | ${r.apiMBps.toFixed(1)} | ${r.sha256PerFileMBps.toFixed(1)} | ${fmtRatio(r.apiMBps / r.sha256PerFileMBps)} | ${r.sha256OneProcessMBps.toFixed(1)} | ${fmtRatio(r.apiMBps / r.sha256OneProcessMBps)} | ${r.apiCpuMs === undefined ? '-' : r.apiCpuMs.toFixed(1)} |`,
      ),
      '',
      'Target: API / sha256sum >= 0.5 for text and images.',
      '',
    );
  }
  if (latencies) {
    lines.push(
      `### Upload + match latency with ${settings.works.toLocaleString('en-US')} stored works (${settings.fingerprintsPerWork} fingerprints per text work)`,
      '',
      latencies.seedNote,
      '',
      '| probe | uploads | p50 ms | p95 ms | max ms | uploads that found the planted original | API CPU ms per upload |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...(
        [
          ['5 KB text', latencies.text],
          ['320x240 PNG', latencies.image],
        ] as const
      ).map(
        ([probe, l]) =>
          `| ${probe} | ${settings.probes} | ${fmtMs(l.p50)} | ${fmtMs(l.p95)} | ${fmtMs(l.max)} | ${l.matched} | ${l.apiCpuMs === undefined ? '-' : l.apiCpuMs.toFixed(1)} |`,
      ),
      '',
      'Target: p95 < 50 ms. The latency is the whole POST (fingerprinting, replacing the stored content, the lookups, storing the match, notifying). API CPU: the API process\'s user + system time (all its threads, sharp\'s included) over the measured uploads, per upload.',
      '',
    );
  }
  const report = lines.join('\n');
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `copyrights-${started.toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, report);
  process.stdout.write(`${report}\n`);
  log(`report written to ${file}`);
});
