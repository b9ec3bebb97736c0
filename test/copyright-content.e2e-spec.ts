import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import sharp from 'sharp';
import { Sequelize } from 'sequelize-typescript';
import { PreparedStatements } from '@app/database';
import { indexLevelOf, MATCH_RULES } from '@app/copyrights/content/matching';
import { CopyrightContentRepository } from '@app/copyrights/copyright-content.repository';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, uniqueEmail, type Tokens } from './support/auth-client';

type Json = Record<string, unknown>;
type Match = { id: string; kind: string; own: boolean; alert: string | null; score: number; work: { id: string | null; title: string; status: string; registrationNumber: string | null }; details: Json };

const WORDS = (
  'harbour lantern quiet morning river stone garden window letter winter summer orchard meadow silver thunder ' +
  'candle forest mirror shadow voyage island compass anchor feather valley marble ember whisper journey'
).split(' ');

/** A deterministic text of `paragraphs` paragraphs of pseudo-random sentences. */
function story(seed: number, paragraphs = 6): string {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const out: string[] = [];
  for (let p = 0; p < paragraphs; p++) {
    const sentences: string[] = [];
    for (let s = 0; s < 6; s++) {
      const words = Array.from({ length: 8 + (next() % 8) }, () => WORDS[next() % WORDS.length]);
      sentences.push(`${words.join(' ')}.`);
    }
    out.push(sentences.join(' '));
  }
  return out.join('\n\n');
}

/** A picture with shapes placed by the seed. */
function picture(seed: number): Promise<Buffer> {
  const c = (i: number) => ((seed * 97 + i * 53) % 200) + 20;
  const svg = `<svg width="400" height="300" xmlns="http://www.w3.org/2000/svg">
    <rect width="400" height="300" fill="rgb(${c(1)},${c(2)},${c(3)})"/>
    <circle cx="${c(4)}" cy="${c(5) % 300}" r="${40 + (c(6) % 60)}" fill="rgb(${c(7)},${c(8)},40)"/>
    <rect x="${c(9)}" y="${c(10) % 200}" width="${60 + c(11) / 2}" height="${80 + c(12) / 3}" fill="rgb(30,${c(13)},${c(14)})"/>
    <polygon points="${c(15)},10 390,${c(16)} 200,290" fill="rgb(${c(17)},20,${c(18)})" opacity="0.7"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('copyright content and near-copy detection (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: Client;
  let api: ReturnType<typeof client>;
  let alice: Tokens;
  let bob: Tokens;
  let stranger: Tokens;
  let admin: Tokens;
  let contentDir: string;
  const MAX = 300_000;

  async function newWork(token: string, title: string, workType = 'literary'): Promise<string> {
    const res = await api.call('POST', '/v1/copyrights', { token, body: { title, workType, authors: [{ name: 'Some Author' }], creationDate: '2015-01-01' } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function upload(token: string, id: string, data: Buffer, filename: string, type = 'application/octet-stream') {
    const form = new FormData();
    form.append('file', new Blob([data], { type }), filename);
    const res = await fetch(`${t.url}/v1/copyrights/${id}/content`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const text = await res.text();
    return { status: res.status, text, body: (text ? JSON.parse(text) : undefined) as Json, headers: res.headers };
  }

  async function register(token: string, id: string, number: string): Promise<void> {
    expect((await api.call('POST', `/v1/copyrights/${id}/submit`, { token })).status).toBe(200);
    const res = await api.call('POST', `/v1/admin/copyrights/${id}/decision`, { token: admin.accessToken, body: { decision: 'registered', registrationNumber: number } });
    expect(res.status).toBe(200);
  }

  const notices = async (token: string) => (await api.call('GET', '/v1/notifications?limit=100', { token })).body.data as Array<{ title: string; body: string; data: Json }>;

  beforeAll(async () => {
    contentDir = await mkdtemp(join(tmpdir(), 'clearmark-content-'));
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '1000', COPYRIGHT_UPLOAD_MAX_BYTES: String(MAX), COPYRIGHT_CONTENT_DIR: contentDir } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    alice = await api.register();
    bob = await api.register();
    stranger = await api.register();
    const adminEmail = uniqueEmail('admin');
    const registered = await api.register(adminEmail);
    await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]);
    admin = await api.login(adminEmail);
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
    if (contentDir) await rm(contentDir, { recursive: true, force: true });
  });

  it('keeps fingerprints (and the deposit copy when configured), sniffing the type from the bytes', async () => {
    const id = await newWork(alice.accessToken, 'Fingerprinted');
    const text = Buffer.from(story(1));
    // Named .png and sent as image/png: the bytes say text.
    const res = await upload(alice.accessToken, id, text, 'cover.png', 'image/png');
    expect(res.status).toBe(201);
    expect(res.body.content).toMatchObject({
      kind: 'text',
      mediaType: 'text/plain',
      filename: 'cover.png',
      sizeBytes: text.length,
      sha256: createHash('sha256').update(text).digest('hex'),
      depositCopyKept: true,
      pHash: null,
    });
    expect((res.body.content as Json).fingerprintCount).toBeGreaterThan(50);
    expect(res.body.matches).toEqual([]);
    // All fingerprints in one row; only the index hashes (a small share of them) as postings.
    const stored = (
      await sql.query<{ fingerprints: number; index_hashes: number; postings: number }>(
        `SELECT length(s.fingerprints) / 20 AS fingerprints, cardinality(s.index_hashes) AS index_hashes,
                (SELECT count(*)::int FROM copyright_text_postings p WHERE p.content_id = c.id) AS postings
           FROM copyright_contents c JOIN copyright_text_fingerprint_sets s ON s.content_id = c.id WHERE c.copyright_id = $1`,
        [id],
      )
    ).rows;
    expect(stored).toHaveLength(1);
    expect(stored[0].fingerprints).toBeGreaterThanOrEqual((res.body.content as Json).fingerprintCount as number);
    expect(stored[0].postings).toBe(stored[0].index_hashes);
    expect(stored[0].postings).toBeGreaterThan(0);
    expect(stored[0].postings).toBeLessThan(stored[0].fingerprints / 2);
    // The deposit copy holds the bytes; no temporary file is left.
    const files = await readdir(contentDir);
    expect(files.filter((f) => f.startsWith('.upload-'))).toEqual([]);
    expect(await readFile(join(contentDir, files.find((f) => f.startsWith(id))!))).toEqual(text);
    expect((await api.call('GET', `/v1/copyrights/${id}/content`, { token: alice.accessToken })).body).toMatchObject({ sha256: (res.body.content as Json).sha256 });
    const history = (await api.call('GET', `/v1/copyrights/${id}/history`, { token: alice.accessToken })).body.data as Array<{ action: string }>;
    expect(history.map((h) => h.action)).toContain('content-upload');
  });

  it('answers 413 over COPYRIGHT_UPLOAD_MAX_BYTES and keeps nothing', async () => {
    const id = await newWork(alice.accessToken, 'Too Big');
    const before = await readdir(contentDir);
    const big = Buffer.from(story(2, 1000)).subarray(0, MAX + 5000);
    expect(big.length).toBe(MAX + 5000);
    const res = await upload(alice.accessToken, id, big, 'big.txt');
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, maxBytes: MAX });
    // Streamed in one part just over the limit (the early Content-Length check does not apply): still 413.
    const justOver = await upload(alice.accessToken, id, Buffer.alloc(MAX + 1, 'a'), 'over.txt');
    expect(justOver.status).toBe(413);
    // A declared length far over the limit is refused before the body is read.
    expect((await upload(alice.accessToken, id, Buffer.alloc(MAX * 2, 'c'), 'huge.txt')).status).toBe(413);
    expect((await sql.query('SELECT count(*)::int AS n FROM copyright_contents WHERE copyright_id = $1', [id])).rows[0].n).toBe(0);
    expect((await api.call('GET', `/v1/copyrights/${id}/content`, { token: alice.accessToken })).status).toBe(404);
    expect((await readdir(contentDir)).sort()).toEqual(before.sort());
    // Exactly at the limit is accepted.
    expect((await upload(alice.accessToken, id, Buffer.alloc(MAX, 'b'), 'limit.txt')).status).toBe(201);
  });

  it('refuses what is not one multipart file, and uploads to works that are not drafts', async () => {
    const id = await newWork(alice.accessToken, 'Refusals');
    const json = await api.call('POST', `/v1/copyrights/${id}/content`, { token: alice.accessToken, body: { file: 'x' } });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toMatch(/problem\+json/);
    // Other routes still take JSON only.
    const jsonRoute = new FormData();
    jsonRoute.append('title', 'A title');
    const wrongRoute = await fetch(`${t.url}/v1/copyrights`, { method: 'POST', headers: { authorization: `Bearer ${alice.accessToken}` }, body: jsonRoute });
    expect(wrongRoute.status).toBe(415);
    expect(wrongRoute.headers.get('content-type')).toMatch(/problem\+json/);
    const form = new FormData();
    form.append('note', 'no file here');
    const noFile = await fetch(`${t.url}/v1/copyrights/${id}/content`, { method: 'POST', headers: { authorization: `Bearer ${alice.accessToken}` }, body: form });
    expect(noFile.status).toBe(400);
    expect(await noFile.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'file' })] });
    const brokenPng = Buffer.concat([(await picture(1)).subarray(0, 100), Buffer.alloc(2000, 9)]);
    expect((await upload(alice.accessToken, id, brokenPng, 'broken.png')).status).toBe(422);
    await api.call('POST', `/v1/copyrights/${id}/submit`, { token: alice.accessToken });
    const submitted = await upload(alice.accessToken, id, Buffer.from(story(3)), 'late.txt');
    expect(submitted.status).toBe(409);
    expect(submitted.body).toMatchObject({ currentStatus: 'submitted' });
    expect((await upload(alice.accessToken, id, Buffer.from('x'), 'x.txt', 'text/plain')).status).toBe(409);
  });

  it('detects an edited copy of a registered text: the uploader is alerted, the owner notified, admins see it; no identity leaks', async () => {
    const original = story(10, 8);
    const aliceWork = await newWork(alice.accessToken, 'The Lantern Keeper');
    expect((await upload(alice.accessToken, aliceWork, Buffer.from(original), 'lantern.txt')).status).toBe(201);
    await register(alice.accessToken, aliceWork, 'TX0000000101');

    // Bob's copy: renamed, as HTML, a paragraph dropped, the rest reordered, a sentence inserted.
    const paragraphs = original.split('\n\n');
    const edited = [paragraphs[3], paragraphs[0], 'An entirely new sentence of my own making, unrelated to the rest.', paragraphs[5], paragraphs[1], paragraphs[7], paragraphs[6]];
    const html = `<!DOCTYPE html><html><head><title>Mine</title></head><body>${edited.map((p) => `<p>${p}</p>`).join('\n')}</body></html>`;
    const bobWork = await newWork(bob.accessToken, 'My Own Novel');
    const res = await upload(bob.accessToken, bobWork, Buffer.from(html), 'my-novel.html', 'text/plain');
    expect(res.status).toBe(201);
    expect(res.body.content).toMatchObject({ kind: 'text', mediaType: 'text/html' });
    const matches = res.body.matches as Match[];
    expect(matches).toHaveLength(1);
    const [match] = matches;
    expect(match).toMatchObject({
      kind: 'text',
      own: false,
      alert: 'possible copy of a registered work',
      work: { id: null, title: 'The Lantern Keeper', status: 'registered', registrationNumber: 'TX0000000101' },
    });
    expect(match.details.containmentOfUpload).toBeGreaterThan(0.7);
    expect(match.details.containmentOfWork).toBeGreaterThan(0.5);
    const passages = match.details.passages as Array<{ upload: { start: number; end: number }; work: { start: number; end: number }; fingerprints: number }>;
    expect(passages.length).toBeGreaterThan(0);
    // The longest passage's offsets in Alice's text cover words that Bob's copy has, in that order.
    const longest = passages[0];
    const passageWords = original.slice(longest.work.start, longest.work.end).split(/\W+/).filter(Boolean).join(' ');
    expect(passageWords.split(' ').length).toBeGreaterThan(20);
    expect(edited.join(' ').replace(/\W+/g, ' ')).toContain(passageWords);
    // Nothing about Alice in Bob's answer.
    for (const secret of [alice.user.id, alice.user.email, aliceWork]) expect(res.text).not.toContain(secret);

    // Alice is told, without Bob's identity or his work.
    const notice = (await notices(alice.accessToken)).find((n) => n.title === 'Possible copy of your work');
    expect(notice).toBeDefined();
    expect(notice!.body).toContain('The Lantern Keeper');
    expect(notice!.data).toMatchObject({ copyrightId: aliceWork });
    for (const secret of [bob.user.id, bob.user.email, bobWork, 'My Own Novel']) expect(JSON.stringify(notice)).not.toContain(secret);

    // Bob sees the match later too; others get 404.
    expect((await api.call('GET', `/v1/copyrights/${bobWork}/matches`, { token: bob.accessToken })).body.data).toEqual([expect.objectContaining({ id: match.id })]);
    expect((await api.call('GET', `/v1/copyright-matches/${match.id}`, { token: bob.accessToken })).body).toMatchObject({ id: match.id, alert: match.alert });
    for (const token of [alice.accessToken, stranger.accessToken]) {
      expect((await api.call('GET', `/v1/copyright-matches/${match.id}`, { token })).status).toBe(404);
      expect((await api.call('GET', `/v1/copyrights/${bobWork}/matches`, { token })).status).toBe(404);
      expect((await api.call('GET', `/v1/copyrights/${bobWork}/content`, { token })).status).toBe(404);
      expect((await upload(token, bobWork, Buffer.from(original), 'mine.txt')).status).toBe(404);
    }

    // Admins see the alarm with both works and owners.
    const alarms = await api.call('GET', '/v1/admin/copyrights/matches?limit=100', { token: admin.accessToken });
    expect(alarms.status).toBe(200);
    expect(alarms.body.data).toContainEqual(
      expect.objectContaining({
        id: match.id,
        upload: expect.objectContaining({ copyrightId: bobWork, ownerId: bob.user.id }),
        matched: expect.objectContaining({ copyrightId: aliceWork, ownerId: alice.user.id, registrationNumber: 'TX0000000101' }),
      }),
    );
    expect((await api.call('GET', '/v1/admin/copyrights/matches', { token: bob.accessToken })).status).toBe(403);
  });

  it('detects a 30% excerpt of a registered text inside other text', async () => {
    const original = story(20, 10);
    const aliceWork = await newWork(alice.accessToken, 'Long Voyage');
    await upload(alice.accessToken, aliceWork, Buffer.from(original), 'voyage.md');
    await register(alice.accessToken, aliceWork, 'TX0000000102');
    const excerpt = original.slice(Math.floor(original.length * 0.4), Math.floor(original.length * 0.7));
    const bobWork = await newWork(bob.accessToken, 'Anthology');
    const anthology = `${story(21, 5)}\n\n${excerpt}\n\n${story(22, 5)}`;
    const res = await upload(bob.accessToken, bobWork, Buffer.from(anthology), 'anthology.txt');
    const match = (res.body.matches as Match[]).find((m) => m.work.title === 'Long Voyage')!;
    expect(match).toMatchObject({ kind: 'text', alert: 'possible copy of a registered work' });
    expect(match.details.containmentOfWork).toBeGreaterThan(0.2);
    // Plain text: the passage offsets are the uploaded file's; they lie inside the excerpt and the same words are in the original there.
    const [longest] = match.details.passages as Array<{ upload: { start: number; end: number }; work: { start: number; end: number } }>;
    const words = (s: string) => s.split(/\W+/).filter(Boolean).join(' ');
    expect(longest.upload.start).toBeGreaterThanOrEqual(anthology.indexOf(excerpt));
    expect(longest.upload.end).toBeLessThanOrEqual(anthology.indexOf(excerpt) + excerpt.length);
    expect(words(anthology.slice(longest.upload.start, longest.upload.end))).toBe(words(original.slice(longest.work.start, longest.work.end)));
  });

  it('finds a copy inside a long upload through the index hashes alone', async () => {
    const original = story(50, 12);
    const aliceWork = await newWork(alice.accessToken, 'Winter Orchard');
    await upload(alice.accessToken, aliceWork, Buffer.from(original), 'orchard.txt');
    await register(alice.accessToken, aliceWork, 'TX0000000103');
    // A long book (more fingerprints than an upload looks up one by one) with a third of the work inside.
    const excerpt = original.slice(Math.floor(original.length * 0.3), Math.floor(original.length * 0.63));
    const book = `${story(51, 40)}\n\n${excerpt}\n\n${story(52, 40)}`;
    const bobWork = await newWork(bob.accessToken, 'Collected Seasons');
    const res = await upload(bob.accessToken, bobWork, Buffer.from(book), 'book.txt');
    expect(res.status).toBe(201);
    expect((res.body.content as Json).fingerprintCount).toBeGreaterThan(MATCH_RULES.text.lookupAllUpTo);
    const match = (res.body.matches as Match[]).find((m) => m.work.title === 'Winter Orchard');
    expect(match).toMatchObject({ kind: 'text', alert: 'possible copy of a registered work' });
    expect(match!.details.containmentOfWork).toBeGreaterThan(0.25);
    const [longest] = match!.details.passages as Array<{ upload: { start: number; end: number }; work: { start: number; end: number } }>;
    const words = (s: string) => s.split(/\W+/).filter(Boolean).join(' ');
    expect(words(book.slice(longest.upload.start, longest.upload.end))).toBe(words(original.slice(longest.work.start, longest.work.end)));
  });

  it('posts a long text\'s coarser index level, and still finds a short excerpt of it and a short work quoted in a long upload', async () => {
    const long = story(70, 420);
    expect(long.length).toBeLessThan(MAX);
    const aliceLong = await newWork(alice.accessToken, 'Atlas of Quiet Rivers');
    const stored = await upload(alice.accessToken, aliceLong, Buffer.from(long), 'atlas.txt');
    expect(stored.status).toBe(201);
    const level = indexLevelOf((stored.body.content as Json).fingerprintCount as number);
    expect(level).toBeGreaterThanOrEqual(2);
    // Its postings are its level's index hashes: about 2^-level of the level-0 ones (about 9/33 of its fingerprints).
    const [row] = (
      await sql.query<{ fingerprints: number; postings: number; index_hashes: number }>(
        `SELECT c.fingerprint_count AS fingerprints, cardinality(s.index_hashes) AS index_hashes,
                (SELECT count(*)::int FROM copyright_text_postings p WHERE p.content_id = c.id) AS postings
           FROM copyright_contents c JOIN copyright_text_fingerprint_sets s ON s.content_id = c.id WHERE c.copyright_id = $1`,
        [aliceLong],
      )
    ).rows;
    expect(row.postings).toBe(row.index_hashes);
    expect(row.postings).toBeLessThan(((row.fingerprints * 9) / 33 / 2 ** level) * 1.5);
    expect(row.postings).toBeGreaterThan(((row.fingerprints * 9) / 33 / 2 ** level) * 0.5);
    await register(alice.accessToken, aliceLong, 'TX0000000104');

    // A 5 KB excerpt of it (level 0, looked up whole) finds it through its sparse postings.
    const from = long.indexOf(' ', Math.floor(long.length * 0.55)) + 1;
    const excerpt = long.slice(from, from + 5000);
    const bobExcerpt = await newWork(bob.accessToken, 'Rivers, an extract');
    const found = await upload(bob.accessToken, bobExcerpt, Buffer.from(excerpt), 'extract.txt');
    expect(indexLevelOf((found.body.content as Json).fingerprintCount as number)).toBe(0);
    const match = (found.body.matches as Match[]).find((m) => m.work.title === 'Atlas of Quiet Rivers');
    expect(match).toMatchObject({ kind: 'text', alert: 'possible copy of a registered work' });
    expect(match!.details.containmentOfUpload).toBeGreaterThan(0.9);

    // A short registered work (level 0, every index hash posted) quoted inside a long upload (which looks up its coarse level only).
    const short = story(71, 10);
    const aliceShort = await newWork(alice.accessToken, 'Ember Letters');
    await upload(alice.accessToken, aliceShort, Buffer.from(short), 'ember.txt');
    await register(alice.accessToken, aliceShort, 'TX0000000105');
    const book = story(72, 420);
    const middle = book.indexOf('\n\n', Math.floor(book.length / 2));
    const bobBook = await newWork(bob.accessToken, 'River Anthology');
    const res = await upload(bob.accessToken, bobBook, Buffer.from(`${book.slice(0, middle)}\n\n${short}${book.slice(middle)}`), 'anthology.txt');
    expect(res.status).toBe(201);
    expect(indexLevelOf((res.body.content as Json).fingerprintCount as number)).toBeGreaterThanOrEqual(2);
    const quoted = (res.body.matches as Match[]).find((m) => m.work.title === 'Ember Letters');
    expect(quoted).toMatchObject({ kind: 'text', alert: 'possible copy of a registered work' });
    expect(quoted!.details.containmentOfWork).toBeGreaterThan(0.9);
  });

  it('detects a resized, re-encoded copy of an image', async () => {
    const png = await picture(7);
    const aliceWork = await newWork(alice.accessToken, 'Red Circle', 'visual');
    expect((await upload(alice.accessToken, aliceWork, png, 'circle.png')).body.content).toMatchObject({ kind: 'image', mediaType: 'image/png', width: 400, height: 300 });
    expect((await api.call('POST', `/v1/copyrights/${aliceWork}/submit`, { token: alice.accessToken })).status).toBe(200);

    const jpeg = await sharp(png).resize(250).modulate({ brightness: 1.15 }).jpeg({ quality: 40 }).toBuffer();
    const bobWork = await newWork(bob.accessToken, 'Totally Original', 'visual');
    const res = await upload(bob.accessToken, bobWork, jpeg, 'renamed-photo.gif');
    expect(res.body.content).toMatchObject({ kind: 'image', mediaType: 'image/jpeg' });
    expect(res.body.matches).toEqual([
      expect.objectContaining({ kind: 'image', own: false, alert: 'possible copy of a work submitted for registration', work: { id: null, title: 'Red Circle', status: 'submitted', registrationNumber: null } }),
    ]);
    // An unrelated picture matches nothing.
    const other = await newWork(bob.accessToken, 'Another Picture', 'visual');
    expect((await upload(bob.accessToken, other, await picture(8), 'other.png')).body.matches).toEqual([]);
  });

  it('stores an upload that matches another owner’s registered work in six statements and one per notification, text or image', async () => {
    const sequelize = t.app.get(Sequelize);
    const original = story(50, 8);
    const png = await picture(11);
    const textWork = await newWork(alice.accessToken, 'Counted Text');
    expect((await upload(alice.accessToken, textWork, Buffer.from(original), 'counted.txt')).status).toBe(201);
    await register(alice.accessToken, textWork, 'TX0000000301');
    const imageWork = await newWork(alice.accessToken, 'Counted Picture', 'visual');
    expect((await upload(alice.accessToken, imageWork, png, 'counted.png')).status).toBe(201);
    await register(alice.accessToken, imageWork, 'VA0000000301');
    /** The statements of one upload by Bob, and how many other owners' works it matched (each notified). */
    const statementsOf = async (id: string, data: Buffer, filename: string, expected: string) => {
      const spy = jest.spyOn(sequelize, 'query');
      // The image lookup runs as a prepared statement on the transaction's connection.
      const prepared = jest.spyOn(t.app.get(PreparedStatements), 'selectInTransaction');
      try {
        const res = await upload(bob.accessToken, id, data, filename);
        expect(res.status).toBe(201);
        const matches = res.body.matches as Match[];
        expect(matches).toContainEqual(expect.objectContaining({ own: false, alert: 'possible copy of a registered work', work: expect.objectContaining({ title: expected }) }));
        // The request log is written in batches, apart from any request.
        const statements = [
          ...spy.mock.calls.map(([statement]) => (typeof statement === 'string' ? statement : (statement as { query: string }).query)),
          ...prepared.mock.calls.map(([, statement]) => statement.text),
        ].filter((statement) => !statement.includes('api_logs'));
        return { statements, notified: matches.filter((m) => !m.own).length };
      } finally {
        spy.mockRestore();
        prepared.mockRestore();
      }
    };
    const paragraphs = original.split('\n\n');
    const copy = Buffer.from([paragraphs[2], paragraphs[0], 'A sentence of my own.', ...paragraphs.slice(3)].join('\n\n'));
    // The draft check before the body is read; BEGIN, the work locked with the exact copies and
    // the lookup (text: with the candidates' fingerprint sets), the store (with the matches and
    // the history row), one notification per other owner's work, the two audit rows (the
    // change's and the request's, in one statement), COMMIT.
    const copyWork = await newWork(bob.accessToken, 'Counted Copy');
    const text = await statementsOf(copyWork, copy, 'copy.txt', 'Counted Text');
    expect(text.statements).toHaveLength(6 + text.notified);
    expect(text.statements.filter((statement) => /^\s*INSERT INTO "audit_logs"/.test(statement))).toHaveLength(1);
    // Both rows, in order and chained: the request's row links to the change's.
    const audited = (
      await sql.query<{ action: string; seq: string; prev_hash: string; hash: string }>(
        `SELECT action, seq, prev_hash, hash FROM audit_logs WHERE entity_id = $1 AND action LIKE 'copyrights.content-upload%' ORDER BY seq`,
        [copyWork],
      )
    ).rows;
    expect(audited.map((r) => r.action)).toEqual(['copyrights.content-upload', 'copyrights.content-upload-request']);
    expect(Number(audited[1].seq)).toBe(Number(audited[0].seq) + 1);
    expect(audited[1].prev_hash).toBe(audited[0].hash);
    expect((await api.call('GET', '/v1/admin/audit-logs/verify', { token: admin.accessToken })).body).toMatchObject({ ok: true });
    const image = await statementsOf(await newWork(bob.accessToken, 'Counted Photo', 'visual'), await sharp(png).resize(300).jpeg({ quality: 50 }).toBuffer(), 'copy.jpg', 'Counted Picture');
    expect(image.statements).toHaveLength(6 + image.notified);
    expect(image.statements.filter((statement) => /^\s*INSERT INTO "notifications"/.test(statement))).toHaveLength(image.notified);
  });

  it('reports matches of one’s own works as own, without alarm, and never reports another owner’s drafts', async () => {
    const text = Buffer.from(story(30));
    const first = await newWork(alice.accessToken, 'Draft One');
    await upload(alice.accessToken, first, text, 'one.txt');
    const second = await newWork(alice.accessToken, 'Draft Two');
    const res = await upload(alice.accessToken, second, text, 'two.txt');
    expect(res.body.matches).toEqual([expect.objectContaining({ kind: 'exact', own: true, alert: null, work: expect.objectContaining({ id: first, title: 'Draft One', status: 'draft' }) })]);
    const alarms = (await api.call('GET', '/v1/admin/copyrights/matches?limit=100', { token: admin.accessToken })).body.data as Array<{ matched: { copyrightId: string } }>;
    expect(alarms.map((a) => a.matched.copyrightId)).not.toContain(first);
    expect((await notices(alice.accessToken)).filter((n) => (n.data as Json).copyrightId === first)).toEqual([]);
    // Bob uploading the same bytes learns nothing of Alice's drafts.
    const bobWork = await newWork(bob.accessToken, 'Copy Of A Draft');
    expect((await upload(bob.accessToken, bobWork, text, 'copy.txt')).body.matches).toEqual([]);
  });

  it('counts at most perHash postings of each hash, the same whether one index scan reads them or each hash is probed on its own', async () => {
    const me = alice.user.id;
    // Eight works' contents with fingerprints of twelve synthetic hashes (far outside what winnowing makes).
    const hashes = Array.from({ length: 12 }, (_, i) => 9_000_000_000_000_000 + i * 7);
    const works: Array<{ work: string; content: string; has: number[] }> = [];
    for (let w = 0; w < 8; w++) {
      const work = (await sql.query<{ id: string }>(`INSERT INTO copyrights (user_id, title, work_type, creation_date) VALUES ($1, $2, 'literary', '2015-01-01') RETURNING id`, [me, `Postings ${w}`])).rows[0].id;
      const content = (
        await sql.query<{ id: string }>(`INSERT INTO copyright_contents (copyright_id, media_type, kind, size_bytes, sha256) VALUES ($1, 'text/plain', 'text', 1, md5(random()::text)) RETURNING id`, [work])
      ).rows[0].id;
      // Hash 0 is in every content (more postings than the cap), the others in some.
      const has = hashes.filter((_, i) => i === 0 || (i + w) % 3 !== 0 || i % (w + 2) === 0);
      await sql.query(`INSERT INTO copyright_text_postings (hash, content_id) SELECT h, $1 FROM unnest($2::bigint[]) AS h`, [content, has.map(String)]);
      works.push({ work, content, has });
    }
    const excluded = works[0];
    /** What the lookup must answer: per hash the first perHash contents by id (the B-tree's order), other works only. */
    const expected = (query: number[], perHash: number, minShared: number) => {
      const shared = new Map<string, number>();
      for (const h of query) {
        const postings = works.filter((w) => w !== excluded && w.has.includes(h)).map((w) => w.content).sort().slice(0, perHash);
        for (const c of postings) shared.set(c, (shared.get(c) ?? 0) + 1);
      }
      return [...shared]
        .filter(([, n]) => n >= minShared)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([contentId, n]) => ({ contentId, shared: n }));
    };
    const repository = t.app.get(CopyrightContentRepository);
    const sequelize = t.app.get(Sequelize);
    const probed = jest.spyOn(sequelize, 'query');
    const lookup = async (query: number[], perHash: number, minShared: number) => {
      probed.mockClear();
      const candidates = await repository.textCandidates(query, excluded.work, { perHash, minShared, limit: 50 });
      // Each with its work, as matching needs it.
      for (const c of candidates) expect(c).toMatchObject({ copyrightId: works.find((w) => w.content === c.contentId)!.work, ownerId: me, status: 'draft', kind: 'text' });
      const answer = candidates.map(({ contentId, shared }) => ({ contentId, shared }));
      return { answer, probedEachHash: probed.mock.calls.some(([statement]) => String(statement).includes('CROSS JOIN LATERAL')) };
    };
    try {
      // The other works hold 60 postings of the 12 hashes, hash 0 has 7 of them. Cap 6: the one
      // scan reads all 60 (under 6 x 12) and counts hash 0 for its first 6 contents only.
      expect(await lookup(hashes, 6, 2)).toEqual({ answer: expected(hashes, 6, 2), probedEachHash: false });
      expect(expected(hashes, 6, 2)).not.toEqual(expected(hashes, 7, 2));
      expect((await lookup(hashes, 6, 2)).answer.length).toBeGreaterThan(2);
      // Cap 4: more than 4 x 12 postings, so each hash is probed with its own LIMIT; the same answer.
      expect(await lookup(hashes, 4, 2)).toEqual({ answer: expected(hashes, 4, 2), probedEachHash: true });
      expect(await lookup(hashes.slice(0, 2), 2, 1)).toEqual({ answer: expected(hashes.slice(0, 2), 2, 1), probedEachHash: true });
      expect(await lookup(hashes.slice(0, 3), 1, 1)).toEqual({ answer: expected(hashes.slice(0, 3), 1, 1), probedEachHash: true });
      expect(await lookup([hashes[0]], 100, 1)).toEqual({ answer: expected([hashes[0]], 100, 1), probedEachHash: false });
    } finally {
      probed.mockRestore();
    }
    // The excluded work's content holds every hash, yet never appears.
    expect(expected(hashes, 100, 1).map((r) => r.contentId)).not.toContain(excluded.content);
  });

  it('removes a content’s fingerprints with it (directly, or through its deleted work)', async () => {
    const fingerprintsOf = async (id: string) =>
      Number((await sql.query('SELECT sum(length(f.fingerprints) / 20) AS n FROM copyright_text_fingerprint_sets f JOIN copyright_contents c ON c.id = f.content_id WHERE c.copyright_id = $1', [id])).rows[0].n ?? 0);
    const postingsOf = async (id: string) => Number((await sql.query('SELECT count(*) AS n FROM copyright_text_postings f JOIN copyright_contents c ON c.id = f.content_id WHERE c.copyright_id = $1', [id])).rows[0].n);
    const orphans = async () =>
      Number(
        (
          await sql.query(
            `SELECT (SELECT count(*) FROM copyright_text_fingerprint_sets f WHERE NOT EXISTS (SELECT 1 FROM copyright_contents c WHERE c.id = f.content_id))
                  + (SELECT count(*) FROM copyright_text_postings f WHERE NOT EXISTS (SELECT 1 FROM copyright_contents c WHERE c.id = f.content_id)) AS n`,
          )
        ).rows[0].n,
      );
    const work = await newWork(bob.accessToken, 'Replaced Twice');
    expect((await upload(bob.accessToken, work, Buffer.from(story(41)), 'a.txt')).status).toBe(201);
    expect(await fingerprintsOf(work)).toBeGreaterThan(10);
    expect((await upload(bob.accessToken, work, Buffer.from(story(42)), 'b.txt')).status).toBe(201);
    const stored = Number((await sql.query(`SELECT fingerprint_count AS n FROM copyright_contents WHERE copyright_id = $1`, [work])).rows[0].n);
    expect(await fingerprintsOf(work)).toBeGreaterThanOrEqual(stored);
    const postings = await postingsOf(work);
    expect(postings).toBeGreaterThan(0);
    expect(postings).toBe(Number((await sql.query(`SELECT cardinality(s.index_hashes) AS n FROM copyright_text_fingerprint_sets s JOIN copyright_contents c ON c.id = s.content_id WHERE c.copyright_id = $1`, [work])).rows[0].n));
    expect(await orphans()).toBe(0);
    await sql.query('DELETE FROM copyrights WHERE id = $1', [work]);
    expect(await fingerprintsOf(work)).toBe(0);
    expect(await orphans()).toBe(0);
  });

  it('finds a replaced or deleted content’s matches (both ways) through an index, not a scan of all matches', async () => {
    const owner = await api.register();
    // 1,000 contents and 20,000 matches between them (own ones: no alarm lists change).
    await sql.query(`INSERT INTO copyrights (user_id, title, work_type, creation_date) SELECT $1, 'Cascade ' || g, 'literary', '2015-01-01' FROM generate_series(1, 1000) g`, [owner.user.id]);
    await sql.query(`INSERT INTO copyright_contents (copyright_id, media_type, kind, size_bytes, sha256) SELECT id, 'text/plain', 'text', 1, md5(id::text) FROM copyrights WHERE user_id = $1`, [owner.user.id]);
    const contents = (
      await sql.query<{ id: string; copyright_id: string }>('SELECT c.id, c.copyright_id FROM copyright_contents c JOIN copyrights w ON w.id = c.copyright_id WHERE w.user_id = $1 ORDER BY c.id', [owner.user.id])
    ).rows;
    expect(contents).toHaveLength(1000);
    await sql.query(
      `INSERT INTO copyright_matches (copyright_id, content_id, matched_copyright_id, matched_content_id, own, matched_status, kind, score)
       SELECT ($2::uuid[])[a], ($1::uuid[])[a], ($2::uuid[])[b], ($1::uuid[])[b], true, 'draft', 'text', 0.5
         FROM generate_series(0, 19999) g CROSS JOIN LATERAL (SELECT g % 1000 + 1 AS a, (g * 7 + g / 1000) % 1000 + 1 AS b) pair`,
      [contents.map((c) => c.id), contents.map((c) => c.copyright_id)],
    );
    await sql.query('VACUUM ANALYZE copyright_matches');
    // The statements the two foreign keys' ON DELETE CASCADE run (as PostgreSQL's referential
    // triggers word them), planned generically like their cached plans.
    await sql.query('SET plan_cache_mode = force_generic_plan');
    try {
      for (const column of ['content_id', 'matched_content_id']) {
        await sql.query(`PREPARE cascade_${column} (uuid) AS DELETE FROM ONLY copyright_matches WHERE $1 OPERATOR(pg_catalog.=) ${column}`);
        const plan = JSON.stringify((await sql.query(`EXPLAIN (FORMAT JSON) EXECUTE cascade_${column} ('${contents[0].id}')`)).rows);
        await sql.query(`DEALLOCATE cascade_${column}`);
        expect(plan).toContain(`copyright_matches_${column}_idx`);
        expect(plan).not.toContain('Seq Scan');
      }
    } finally {
      await sql.query('RESET plan_cache_mode');
    }
    // And the cascade removes exactly the deleted content's matches, both ways.
    const gone = contents[3].id;
    const count = async (where: string) => Number((await sql.query(`SELECT count(*) AS n FROM copyright_matches WHERE ${where}`, [gone])).rows[0].n);
    const involving = await count('content_id = $1 OR matched_content_id = $1');
    expect(involving).toBeGreaterThan(20);
    const total = Number((await sql.query('SELECT count(*) AS n FROM copyright_matches')).rows[0].n);
    await sql.query('DELETE FROM copyright_contents WHERE id = $1', [gone]);
    expect(await count('content_id = $1 OR matched_content_id = $1')).toBe(0);
    expect(Number((await sql.query('SELECT count(*) AS n FROM copyright_matches')).rows[0].n)).toBe(total - involving);
  });
});
