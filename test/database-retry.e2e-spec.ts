import { createServer, connect, type Server, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';

/** A TCP proxy to the real database that starts listening only when told to. */
function lateProxy(target: URL): { port: Promise<number>; open(): Promise<void>; close(): Promise<void> } {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  // Reserve a free port, release it, and open the proxy on it later.
  const port = new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
  return {
    port,
    open: async () => {
      const p = await port;
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
      });
      await new Promise<void>((resolve) => server!.listen(p, '127.0.0.1', resolve));
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

describe('starting before the database is up (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp | undefined;
  let proxy: ReturnType<typeof lateProxy>;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await db.drop();
  });

  it('waits with backoff, then serves once the database appears, counting the attempts', async () => {
    const target = new URL(db.url);
    proxy = lateProxy(target);
    const port = await proxy.port;
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(port);

    const started = Date.now();
    const booting = startTestApp({
      databaseUrl: viaProxy.toString(),
      env: { DB_CONNECT_ATTEMPTS: '40', DB_CONNECT_BASE_DELAY_MS: '50', DB_CONNECT_MAX_DELAY_MS: '300' },
    });
    setTimeout(() => void proxy.open(), 1_200);
    t = await booting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_100);

    expect((await fetch(`${t.url}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const failures = Number(/^db_connection_attempts_total\{outcome="failure"\} (\d+)/m.exec(metrics)?.[1]);
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/^db_connection_attempts_total\{outcome="success"\} 1$/m);
  });

  it('gives up after the configured attempts with an error naming the database', async () => {
    const closedPort = await lateProxy(new URL(db.url)).port;
    const nowhere = new URL(db.url);
    nowhere.hostname = '127.0.0.1';
    nowhere.port = String(closedPort);
    await expect(
      startTestApp({ databaseUrl: nowhere.toString(), env: { DB_CONNECT_ATTEMPTS: '2', DB_CONNECT_BASE_DELAY_MS: '10' } }),
    ).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${closedPort} not reachable after 2 attempts`));
  });
});
