import { QueryTypes } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { ReadReplicas } from '@app/database';
import { MigrationRunner } from '../libs/database/src/migrations/migration-runner';
import { normalizeMark, phoneticKeys } from '../libs/trademarks/src/search';
import { client, uniqueEmail, type Tokens } from './support/auth-client';
import { lintExposition, promtoolCheck } from './support/metrics-lint';
import { startStreamingReplica, type StreamingReplica } from './support/streaming-replica';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

type ReplicasCheck = { status: string; state: string; configured: number; inRotation: number; replicas: Array<{ name: string; state: string; lagSeconds: number | null }> };
type SearchBody = { id: string; results: Array<{ record: { serialNumber: string } }> };

/**
 * Read replicas against a real streaming standby (test/support/streaming-replica.ts): a primary
 * and a hot standby built from the embedded default's binaries, the standby seeded by a base
 * backup. The reads that tolerate lag (search candidates, registry records, admin logs) are
 * shown to run on the standby by what they see while its replay is paused: rows written on the
 * primary after the pause are missing from them, and from nothing that must read the primary.
 */
describe('Read replicas (DATABASE_READ_URLS) on a real streaming standby (e2e)', () => {
  let cluster: StreamingReplica;
  let serial = 97_000_000;

  beforeAll(async () => {
    cluster = await startStreamingReplica({
      database: 'clearmark',
      prepare: async (url) => {
        const sequelize = new Sequelize(url, { logging: false });
        try {
          await new MigrationRunner({ sequelize }).up();
        } finally {
          await sequelize.close();
        }
      },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  /** A registry record written on the primary; its serial number. */
  async function insertRecord(mark: string): Promise<string> {
    serial += 1;
    const number = String(serial);
    await cluster.query(
      'primary',
      `INSERT INTO trademark_records (serial_number, mark, normalized_mark, phonetic_keys, live, status_code, classes, source, filing_date)
       VALUES ($1, $2, $3, $4, true, '700', '{9}', 'test', '2021-03-04')`,
      [number, mark, normalizeMark(mark), phoneticKeys(mark)],
    );
    return number;
  }

  async function boot(env: Record<string, string>): Promise<{ t: TestApp; api: ReturnType<typeof client>; user: Tokens; admin: Tokens }> {
    const t = await startTestApp({
      databaseUrl: cluster.primaryUrl,
      // No clearance advice: it searches alternatives in the background after every risky search,
      // through the replicas, and on a loaded machine those reads overlap the next case (one that
      // met the stopped standby took the failover the case below counts).
      env: { DATABASE_READ_URLS: cluster.standbyUrl, AUTH_RATE_LIMIT_MAX: '10000', API_LOG_FLUSH_INTERVAL_MS: '100', RECOMMENDATIONS_ADVICE_ENABLED: 'false', ...env },
    });
    const api = client(t.url);
    const user = await api.register();
    const adminEmail = uniqueEmail('admin');
    const registered = await api.register(adminEmail);
    await cluster.query('primary', `UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]);
    const admin = await api.login(adminEmail);
    return { t, api, user, admin };
  }

  async function replicasCheck(t: TestApp): Promise<ReplicasCheck> {
    const res = await fetch(`${t.url}/health/ready`);
    // Information only: readiness stays 200 whatever the replicas' state.
    expect(res.status).toBe(200);
    const body = (await res.json()) as { details: { replicas: ReplicasCheck } };
    return body.details.replicas;
  }

  const waitForReplicaState = (t: TestApp, state: string, what: string) =>
    waitFor(() => replicasCheck(t), { what, until: (check) => check.replicas[0]?.state === state });

  async function metric(t: TestApp, line: RegExp): Promise<number> {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const match = line.exec(text);
    return match ? Number(match[1]) : NaN;
  }

  describe('routing (replica in rotation; DB_REPLICA_MAX_LAG_S large, probes rare)', () => {
    let t: TestApp;
    let api: ReturnType<typeof client>;
    let user: Tokens;
    let admin: Tokens;

    beforeAll(async () => {
      // Probes every 10 minutes: after the first one the replica stays in rotation unless a read
      // finds it down, which the last case below relies on.
      ({ t, api, user, admin } = await boot({ DB_REPLICA_MAX_LAG_S: '3600', DB_REPLICA_PROBE_INTERVAL_MS: '600000' }));
    });

    afterAll(async () => {
      await cluster.resumeReplay().catch(() => undefined);
      await t?.close();
    });

    it('picks the standby for lag-tolerant reads (pg_is_in_recovery of the serving connection), the primary otherwise', async () => {
      const sequelize = t.app.get(Sequelize);
      const replicas = t.app.get(ReadReplicas);
      const inRecovery = async (transaction?: Parameters<Parameters<ReadReplicas['read']>[0]>[0]) =>
        (await sequelize.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r', { type: QueryTypes.SELECT, transaction }))[0]?.r;
      expect(await replicas.read((transaction) => inRecovery(transaction))).toBe(true);
      expect(await inRecovery()).toBe(false);
      const check = await replicasCheck(t);
      expect(check).toMatchObject({ status: 'up', state: 'ok', configured: 1, inRotation: 1 });
      expect(check.replicas).toEqual([{ name: 'replica 1', state: 'in-rotation', lagSeconds: expect.any(Number) }]);
    });

    it('record detail, search candidates and admin logs read the standby; the search history right after a search reads the primary', async () => {
      await cluster.waitForReplay();
      const replicaReadsBefore = await metric(t, /^db_lag_tolerant_reads_total\{served_by="replica"\} (\d+)$/m);
      await cluster.pauseReplay();
      // Written on the primary after the pause: the standby cannot see them until it resumes.
      const record = await insertRecord('ZORBLAXIA');
      const marker = `/replica-marker-${serial}`;
      await cluster.query('primary', `INSERT INTO api_logs (created_at, request_id, method, route, path, status, duration_ms) VALUES (now(), 'marker', 'GET', $1, $1, 200, 1)`, [marker]);
      await cluster.query('primary', `INSERT INTO audit_logs (action, outcome, seq, prev_hash, hash) VALUES ('replica.marker', 'success', 0, '', '')`);

      expect((await api.call('GET', `/v1/trademarks/records/${record}`, { token: user.accessToken })).status).toBe(404);
      const searched = await api.call('POST', '/v1/trademarks/searches', { body: { mark: 'ZORBLAXIA', includeNone: true }, token: user.accessToken });
      expect(searched.status).toBe(201);
      const search = searched.body as unknown as SearchBody;
      expect(search.results.map((r) => r.record.serialNumber)).not.toContain(record);
      // The user's own write, read at once: from the primary.
      const history = await api.call('GET', '/v1/trademarks/searches', { token: user.accessToken });
      expect((history.body as { data: Array<{ id: string }> }).data.map((s) => s.id)).toContain(search.id);
      const apiLogs = await api.call('GET', `/v1/admin/api-logs?route=${encodeURIComponent(marker)}`, { token: admin.accessToken });
      expect(apiLogs.status).toBe(200);
      expect((apiLogs.body as { data: unknown[] }).data).toHaveLength(0);
      const auditLogs = await api.call('GET', '/v1/admin/audit-logs?action=replica.marker', { token: admin.accessToken });
      expect(auditLogs.status).toBe(200);
      expect((auditLogs.body as { data: unknown[] }).data).toHaveLength(0);

      await cluster.resumeReplay();
      await cluster.waitForReplay();
      expect((await api.call('GET', `/v1/trademarks/records/${record}`, { token: user.accessToken })).status).toBe(200);
      const again = (await api.call('POST', '/v1/trademarks/searches', { body: { mark: 'ZORBLAXIA', includeNone: true }, token: user.accessToken })).body as unknown as SearchBody;
      expect(again.results.map((r) => r.record.serialNumber)).toContain(record);
      expect(((await api.call('GET', `/v1/admin/api-logs?route=${encodeURIComponent(marker)}`, { token: admin.accessToken })).body as { data: unknown[] }).data).toHaveLength(1);
      expect(((await api.call('GET', '/v1/admin/audit-logs?action=replica.marker', { token: admin.accessToken })).body as { data: unknown[] }).data).toHaveLength(1);
      // Eight reads on the standby: the record, the search, the API log and the audit log, before and after the replay.
      expect(await metric(t, /^db_lag_tolerant_reads_total\{served_by="replica"\} (\d+)$/m)).toBe((Number.isNaN(replicaReadsBefore) ? 0 : replicaReadsBefore) + 8);
    });

    it('a standby that goes down before any probe notices: the read fails over to the primary, no client error', async () => {
      const record = await insertRecord('QUIMBLORE');
      await cluster.waitForReplay();
      // Warm the replica pool's connections, so the next read meets a connection the shutdown cut.
      expect((await api.call('GET', `/v1/trademarks/records/${record}`, { token: user.accessToken })).status).toBe(200);
      await cluster.stopStandby();
      const retriesBefore = await metric(t, /^db_lag_tolerant_reads_total\{served_by="primary_retry"\} (\d+)$/m);
      const res = await api.call('GET', `/v1/trademarks/records/${record}`, { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ serialNumber: record, mark: 'QUIMBLORE' });
      expect(await metric(t, /^db_lag_tolerant_reads_total\{served_by="primary_retry"\} (\d+)$/m)).toBe((Number.isNaN(retriesBefore) ? 0 : retriesBefore) + 1);
      // Out of rotation now: the next reads go to the primary straight away.
      expect((await replicasCheck(t)).replicas[0]?.state).toBe('down');
      const searched = await api.call('POST', '/v1/trademarks/searches', { body: { mark: 'QUIMBLORE' }, token: user.accessToken });
      expect(searched.status).toBe(201);
      expect((searched.body as unknown as SearchBody).results.map((r) => r.record.serialNumber)).toContain(record);
    });
  });

  describe('rotation (probes every 100 ms, DB_REPLICA_MAX_LAG_S=1)', () => {
    let t: TestApp;
    let api: ReturnType<typeof client>;
    let user: Tokens;

    beforeAll(async () => {
      await cluster.startStandby();
      ({ t, api, user } = await boot({ DB_REPLICA_MAX_LAG_S: '1', DB_REPLICA_PROBE_INTERVAL_MS: '100' }));
      await waitForReplicaState(t, 'in-rotation', 'the standby to be in rotation');
    });

    afterAll(async () => {
      await cluster.resumeReplay().catch(() => undefined);
      await t?.close();
    });

    it('a standby lagging past the limit is out of rotation (reads see the primary), and back once it catches up', async () => {
      await cluster.pauseReplay();
      const record = await insertRecord('VELTRONIQ');
      const lagging = await waitForReplicaState(t, 'lagging', 'the probe to find the standby lagging');
      expect(lagging.state).toBe('degraded');
      expect(lagging.inRotation).toBe(0);
      expect(await metric(t, /^db_replica_lag_seconds\{replica="[^"]+"\} ([\d.e+-]+)$/m)).toBeGreaterThan(1);
      expect(await metric(t, /^db_replica_in_rotation\{replica="[^"]+"\} (\d)$/m)).toBe(0);
      // The standby has not replayed the record: served, it is the primary that answers.
      const res = await api.call('GET', `/v1/trademarks/records/${record}`, { token: user.accessToken });
      expect(res.status).toBe(200);

      await cluster.resumeReplay();
      const back = await waitForReplicaState(t, 'in-rotation', 'the standby back in rotation after it caught up');
      expect(back).toMatchObject({ state: 'ok', inRotation: 1 });
      expect(back.replicas[0]?.lagSeconds).toBeLessThanOrEqual(1);
    });

    it('a stopped standby is out of rotation with no client error, and back once it streams again', async () => {
      const record = await insertRecord('MORVANTIC');
      await cluster.stopStandby();
      const down = await waitForReplicaState(t, 'down', 'the probe to find the standby down');
      expect(down).toMatchObject({ state: 'degraded', inRotation: 0 });
      expect(await metric(t, /^db_replica_up\{replica="[^"]+"\} (\d)$/m)).toBe(0);
      expect((await api.call('GET', `/v1/trademarks/records/${record}`, { token: user.accessToken })).status).toBe(200);
      expect((await api.call('POST', '/v1/trademarks/searches', { body: { mark: 'MORVANTIC' }, token: user.accessToken })).status).toBe(201);

      await cluster.startStandby();
      await waitForReplicaState(t, 'in-rotation', 'the restarted standby back in rotation');
      expect(await metric(t, /^db_replica_up\{replica="[^"]+"\} (\d)$/m)).toBe(1);
      const exposition = await (await fetch(`${t.url}/metrics`)).text();
      expect(exposition).toMatch(/^db_replica_lag_seconds\{replica="127\.0\.0\.1:\d+"\} [\d.e+-]+$/m);
      expect(lintExposition(exposition)).toEqual([]);
      const promtool = promtoolCheck(exposition);
      if (promtool !== null) expect(promtool).toBe('');
      const replicas = t.app.get(ReadReplicas);
      const sequelize = t.app.get(Sequelize);
      const served = await replicas.read(
        async (transaction) => (await sequelize.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r', { type: QueryTypes.SELECT, transaction }))[0]?.r,
      );
      expect(served).toBe(true);
    });
  });
});
