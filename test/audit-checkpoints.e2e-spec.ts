import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { JobsService } from '@app/jobs';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, uniqueEmail, type Tokens } from './support/auth-client';

interface Verification {
  ok: boolean;
  checked: number;
  firstBrokenId?: string;
  reason?: string;
  checkpoint: { file: string; lastSeq: string; count: number; finding: string | null } | null;
}

/**
 * Signed checkpoints anchor the chain outside the database: a table owner who rewrites rows and
 * recomputes every hash, or who cuts rows off the tail or the head, is caught by `verify`.
 * The tampering client is the test server's superuser with triggers off (a table owner can do
 * the same by disabling them): the worst case, one role that owns everything.
 */
describe('audit checkpoints (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let owner: Client;
  let admin: Tokens;
  let digestDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    digestDir = mkdtempSync(join(tmpdir(), 'clearmark-digests-'));
    t = await startTestApp({ databaseUrl: db.url, env: { AUDIT_DIGEST_DIR: digestDir, AUTH_RATE_LIMIT_MAX: '10000', SESSION_CACHE_TTL_MS: '0' } });
    api = client(t.url);
    owner = new Client({ connectionString: db.url });
    await owner.connect();
    const email = uniqueEmail('admin');
    const registered = await api.register(email);
    await owner.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]);
    admin = await api.login(email);
    for (let i = 0; i < 4; i++) await api.register();
    await owner.query('SET session_replication_role = replica');
  });

  afterAll(async () => {
    await owner?.end();
    await t?.close();
    await db?.drop();
    if (digestDir) rmSync(digestDir, { recursive: true, force: true });
  });

  async function verify(): Promise<Verification> {
    const res = await api.call('GET', '/v1/admin/audit-logs/verify', { token: admin.accessToken });
    expect(res.status).toBe(200);
    return res.body as unknown as Verification;
  }

  async function checkpoint(): Promise<void> {
    const result = await t.app.get(JobsService).runNow('audit-checkpoint');
    expect(result).toMatchObject({ status: 'ran', run: { outcome: 'success' } });
  }

  /** Runs an attack, checks what verify says, then puts the log back exactly as it was. */
  async function attack(statements: string[], expectation: (v: Verification) => void): Promise<void> {
    await owner.query('DROP TABLE IF EXISTS audit_snapshot; CREATE TABLE audit_snapshot AS SELECT * FROM audit_logs');
    try {
      for (const statement of statements) await owner.query(statement);
      expectation(await verify());
    } finally {
      await owner.query('DELETE FROM audit_logs; INSERT INTO audit_logs SELECT * FROM audit_snapshot; DROP TABLE audit_snapshot');
    }
    expect((await verify()).ok).toBe(true);
  }

  /** Every row recomputed in order with the database's own canonical function: the chain walk alone finds nothing. */
  const REHASH = `DO $$
    DECLARE r audit_logs; previous text := NULL;
    BEGIN
      FOR r IN SELECT * FROM audit_logs ORDER BY seq LOOP
        IF previous IS NOT NULL THEN r.prev_hash := previous; END IF;
        r.hash := encode(sha256(convert_to(r.prev_hash || audit_log_canonical(r), 'UTF8')), 'hex');
        UPDATE audit_logs SET prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        previous := r.hash;
      END LOOP;
    END $$`;

  it('publishes the public key to admins only, and the job writes a checkpoint it verifies', async () => {
    const user = await api.register();
    expect((await api.call('GET', '/v1/admin/audit-logs/public-key', { token: user.accessToken })).status).toBe(403);
    const key = await api.call('GET', '/v1/admin/audit-logs/public-key', { token: admin.accessToken });
    expect(key.status).toBe(200);
    expect(key.body).toMatchObject({ algorithm: 'Ed25519', keyId: expect.stringMatching(/^[0-9a-f]{32}$/), publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });

    expect((await verify()).checkpoint).toBeNull();
    await checkpoint();
    const files = readdirSync(join(digestDir, db.name));
    expect(files).toHaveLength(1);
    const written = JSON.parse(readFileSync(join(digestDir, db.name, files[0]), 'utf8')) as Record<string, unknown>;
    const [{ count, last }] = (await owner.query('SELECT count(*)::int AS count, max(seq)::text AS last FROM audit_logs')).rows as Array<{ count: number; last: string }>;
    expect(written).toMatchObject({ version: 1, database: db.name, count, lastSeq: last, keyId: key.body.keyId });
    // Anyone with the public key checks a checkpoint offline: Ed25519 over the fields in a fixed order.
    const text = JSON.stringify(['version', 'database', 'createdAt', 'lastSeq', 'lastHash', 'firstSeq', 'firstHash', 'count', 'keyId'].map((f) => written[f]));
    expect(verifySignature(null, Buffer.from(text), createPublicKey(key.body.publicKey as string), Buffer.from(written.signature as string, 'base64'))).toBe(true);

    // Nothing new: the next run writes nothing.
    const again = await t.app.get(JobsService).runNow('audit-checkpoint');
    expect(again).toMatchObject({ status: 'ran', run: { outcome: 'skipped' } });
    const result = await verify();
    expect(result).toMatchObject({ ok: true, checked: count, checkpoint: { lastSeq: last, count, finding: null } });
    expect(result.checkpoint?.file).toBe(join(db.name, files[0]));
  });

  it('detects a chain rewritten with every hash recomputed', async () => {
    await attack([`UPDATE audit_logs SET metadata = metadata || '{"forged": true}' WHERE seq = (SELECT min(seq) + 2 FROM audit_logs)`, REHASH], (v) => {
      expect(v).toMatchObject({ ok: false, reason: 'checkpoint-mismatch' });
    });
  });

  it('detects a deleted tail, even when the rows after the checkpoint are rehashed', async () => {
    await api.register(); // rows after the checkpoint
    await attack(['DELETE FROM audit_logs WHERE seq >= (SELECT max(seq) - 3 FROM audit_logs)', REHASH], (v) => {
      expect(v).toMatchObject({ ok: false, reason: 'tail-deleted' });
    });
  });

  it('detects a deleted head, with or without a rehash', async () => {
    await attack(['DELETE FROM audit_logs WHERE seq <= (SELECT min(seq) + 1 FROM audit_logs)'], (v) => {
      expect(v).toMatchObject({ ok: false, reason: 'head-deleted' });
    });
    // The new oldest row made to look like the start of the chain: the checkpoint still knows better.
    await attack(
      [`DELETE FROM audit_logs WHERE seq <= (SELECT min(seq) + 1 FROM audit_logs)`, `UPDATE audit_logs SET prev_hash = '' WHERE seq = (SELECT min(seq) FROM audit_logs)`, REHASH],
      (v) => {
        expect(v.ok).toBe(false);
        expect(['head-deleted', 'checkpoint-mismatch']).toContain(v.reason);
      },
    );
  });

  it('detects a checkpoint file that was edited, and a row deleted in the middle', async () => {
    const folder = join(digestDir, db.name);
    const [name] = readdirSync(folder).sort().reverse();
    const path = join(folder, name);
    const original = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, original.replace(/"count": (\d+)/, (_, n: string) => `"count": ${Number(n) - 1}`));
      expect(await verify()).toMatchObject({ ok: false, reason: 'checkpoint-signature-invalid' });
    } finally {
      writeFileSync(path, original);
    }
    await attack(['DELETE FROM audit_logs WHERE seq = (SELECT min(seq) + 3 FROM audit_logs)'], (v) => {
      expect(v).toMatchObject({ ok: false, reason: 'row-changed-or-deleted' });
    });
  });

  it('a purge through the function after a checkpoint still verifies', async () => {
    await owner.query('SET session_replication_role = origin');
    await owner.query(`SELECT audit_logs_purge(now() + interval '1 second', NULL)`);
    await owner.query('SET session_replication_role = replica');
    expect(await verify()).toMatchObject({ ok: true, checked: 1, checkpoint: { finding: null } });
    await checkpoint();
    expect(await verify()).toMatchObject({ ok: true, checkpoint: { count: 1, finding: null } });
  });
});
