import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type Redis from 'ioredis';
import { Client } from 'pg';
import { client, uniqueEmail, type Tokens } from './support/auth-client';
import { deleteKeys, describeWithRedis, redisClient, redisPrefix, testRedisUrl } from './support/redis';
import { startRoundRobinProxy, type RoundRobinProxy } from './support/round-robin-proxy';
import { baseEnv, buildDist, ROOT } from './support/run-node';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor, waitForStatus } from './support/wait-for';

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Instance {
  name: string;
  child: ChildProcess;
  url: string;
  metricsUrl: string;
  output: () => string;
}

/** Starts a compiled entry point (the way production runs it) and waits for its readiness. */
/** Every process the file started, stopped in afterAll even when a start failed. */
const started: ChildProcess[] = [];

async function startInstance(name: string, script: string, env: NodeJS.ProcessEnv, port: number, metricsPort: number): Promise<Instance> {
  const child = spawn(process.execPath, [resolve(ROOT, script)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (output = (output + c).slice(-20_000)));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (output = (output + c).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const metricsUrl = script.includes('worker') ? `http://127.0.0.1:${metricsPort}` : url;
  const instance = { name, child, url, metricsUrl, output: () => output };
  try {
    // Three cold Node.js processes booting at once on a loaded two-core machine take a while.
    await waitForStatus(`${metricsUrl}/health/ready`, 200, { what: `${name} to be ready`, deadlineMs: 400_000, intervalMs: 250 });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output}`);
  }
  return instance;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 20_000)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Sum of a metric's samples whose line starts with `series` (name and labels), from a /metrics text. */
function metric(text: string, series: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(series))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/**
 * Two api instances and one worker as separate processes (the compiled dist/, as deployed), on
 * one database and one Redis, behind a round-robin proxy on loopback that retries a failed
 * idempotent request on the next instance (as nginx's proxy_next_upstream does).
 */
describeWithRedis('many instances together: 2 api + 1 worker behind a proxy (e2e)', () => {
  let db: TestDatabase;
  let sql: Client;
  let redis: Redis;
  let proxy: RoundRobinProxy;
  let a: Instance;
  let b: Instance;
  let worker: Instance;
  const prefix = redisPrefix('many-instances');

  beforeAll(async () => {
    buildDist();
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    redis = redisClient();
    const common = {
      DATABASE_URL: db.url,
      MIGRATE_ON_START: 'false',
      JWT_SECRET: 'shared-secret-of-the-deployment-at-least-32-bytes',
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: prefix,
      // Boot progress in the output a failed start reports (the last 20,000 characters).
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      DB_POOL_MIN: '0',
      DB_POOL_MAX: '5',
      // A 5 s session cache (the most allowed): a refusal sooner came from the broadcast.
      SESSION_CACHE_TTL_MS: '5000',
      RATE_LIMIT_MAX: '40',
      AUTH_RATE_LIMIT_MAX: '200',
      HEALTH_HEAP_LIMIT_MB: '4096',
      // Every process schedules session-purge every second: each tick must still run once.
      SCHEDULER_ENABLED: 'true',
      JOB_SESSION_PURGE_CRON: '*/1 * * * * *',
    };
    const [pa, pb, pw] = [await freePort(), await freePort(), await freePort()];
    [a, b, worker] = await Promise.all([
      startInstance('api A', 'dist/apps/api/src/main.js', baseEnv({ ...common, PORT: String(pa), WORKER_METRICS_PORT: '0' }), pa, 0),
      startInstance('api B', 'dist/apps/api/src/main.js', baseEnv({ ...common, PORT: String(pb), WORKER_METRICS_PORT: '0' }), pb, 0),
      startInstance('worker', 'dist/apps/worker/src/main.js', baseEnv({ ...common, WORKER_METRICS_PORT: String(pw) }), 0, pw),
    ]);
    proxy = await startRoundRobinProxy([a.url, b.url]);
    // Booting three processes takes minutes when the machine is loaded: the starts wait with their
    // own deadlines; this is only the hook's safety net.
  }, 900_000);

  afterAll(async () => {
    await proxy?.close();
    await Promise.all(started.map(stop));
    if (redis) {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
    await sql?.end();
    await db?.drop();
  });

  it('a logout on A is refused by B on the very next request', async () => {
    const [ca, cb] = [client(a.url), client(b.url)];
    const email = uniqueEmail();
    await ca.register(email);
    const session = await ca.login(email);
    expect((await cb.me(session.accessToken)).status).toBe(200);
    expect((await cb.me(session.accessToken)).status).toBe(200);
    const before = Date.now();
    expect((await ca.call('POST', '/v1/auth/logout', { token: session.accessToken, body: {} })).status).toBe(204);
    // The logout answers once Redis has taken the broadcast; B heard it before this request.
    expect((await cb.me(session.accessToken)).status).toBe(401);
    process.stderr.write(`many-instances e2e: logout on A to refusal on B: ${Date.now() - before} ms (cache TTL 5000 ms)\n`);
  });

  it('one rate-limit budget per client across both instances behind the proxy', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 42; i++) statuses.push((await fetch(`${proxy.url}/v1/trademarks/watches`)).status);
    expect(statuses).toEqual([...Array<number>(40).fill(401), 429, 429]);
    // Both instances answered, alternately.
    expect(new Set(proxy.answeredBy.slice(-42))).toEqual(new Set([0, 1]));
  });

  it('each job tick runs once among the three processes', async () => {
    const metricsOf = async () => Promise.all([a, b, worker].map(async (i) => (await fetch(`${i.metricsUrl}/metrics`)).text()));
    const counts = async () => {
      const texts = await metricsOf();
      return {
        ran: texts.map((t) => metric(t, 'job_runs_total{job="session-purge",outcome="success"}')),
        skipped: texts.map((t) => metric(t, 'job_runs_total{job="session-purge",outcome="skipped"}')),
      };
    };
    const seen = await waitFor(counts, {
      what: 'five ticks of session-purge run, and others skipped by the losing processes',
      until: (c) => c.ran.reduce((x, y) => x + y, 0) >= 5 && c.skipped.reduce((x, y) => x + y, 0) >= 5,
      intervalMs: 250,
    });
    // Every run a process counted is a row of its own (a tick run twice would be counted twice
    // but could be claimed once), and no process ran a tick without counting it.
    const successRows = async () =>
      Number((await sql.query<{ n: string }>("SELECT count(*) AS n FROM job_runs WHERE job = 'session-purge' AND outcome = 'success'")).rows[0]?.n);
    const counted = seen.ran.reduce((x, y) => x + y, 0);
    const rows = await successRows();
    expect(rows).toBeGreaterThanOrEqual(counted);
    await waitFor(async () => (await counts()).ran.reduce((x, y) => x + y, 0), { what: 'the processes to count the runs recorded', until: (n) => n >= rows });
    const perTick = await sql.query<{ n: string }>("SELECT count(*) AS n FROM job_runs WHERE job = 'session-purge' GROUP BY tick HAVING count(*) > 1");
    expect(perTick.rows).toEqual([]);
  });

  it('an instance killed with SIGKILL mid-request loses no committed data; the proxy retries on the other', async () => {
    const c = client(proxy.url);
    // Committed through the proxy, on both instances.
    const users: Tokens[] = [];
    for (let i = 0; i < 6; i++) users.push(await c.register(uniqueEmail('committed')));

    // A stops answering (frozen) with requests on its way to it; then it is killed outright.
    a.child.kill('SIGSTOP');
    const answeredBefore = proxy.answeredBy.length;
    const inFlight = users.map((u, i) =>
      c.call('PUT', '/v1/users/me/preferences', {
        token: u.accessToken,
        body: { locale: 'en-GB', timezone: 'Europe/Paris', notifications: { '*': { email: i % 2 === 0 } }, defaultClasses: [9, i + 1] },
      }),
    );
    // B has answered its share: the rest are held by A.
    await waitFor(() => proxy.answeredBy.length - answeredBefore, { what: 'B to answer its half of the requests', until: (n) => n >= 3 });
    a.child.kill('SIGKILL');
    const answers = await Promise.all(inFlight);
    expect(answers.map((r) => r.status)).toEqual(Array<number>(6).fill(200));
    expect(proxy.retries).toBeGreaterThanOrEqual(3);

    // Every write acknowledged before the kill is in the database, and every retried one once.
    const emails = users.map((u) => u.user.email);
    const stored = await sql.query<{ email: string; default_classes: number[] }>(
      'SELECT u.email, p.default_classes FROM users u JOIN user_preferences p ON p.user_id = u.id WHERE u.email = ANY($1)',
      [emails],
    );
    expect(stored.rows.map((r) => r.email).sort()).toEqual([...emails].sort());
    expect(Object.fromEntries(stored.rows.map((r) => [r.email, r.default_classes]))).toEqual(Object.fromEntries(users.map((u, i) => [u.user.email, [9, i + 1].sort((x, y) => x - y)])));
    // The survivor serves everyone.
    for (const u of users) expect((await c.me(u.accessToken)).status).toBe(200);
  });
});
