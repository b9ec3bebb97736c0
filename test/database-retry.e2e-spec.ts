import { createServer, connect, type Server, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor, waitForStatus } from './support/wait-for';

/**
 * A TCP proxy to the real database that turns connections away (accepts and closes them at once,
 * as a database that is still starting does) until told to forward; it counts what it turned away,
 * so the test can let the database "appear" after a given number of attempts rather than after a
 * guessed time.
 */
function lateProxy(target: URL): { port: Promise<number>; turnedAway(): number; open(): void; close(): Promise<void> } {
  const sockets = new Set<Socket>();
  let forwarding = false;
  let turnedAway = 0;
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client)).on('error', () => client.destroy());
    if (!forwarding) {
      turnedAway++;
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('error', end).on('close', () => {
      sockets.delete(upstream);
      end();
    });
  });
  const port = new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    port,
    turnedAway: () => turnedAway,
    open: () => {
      forwarding = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

/** A local port with nothing listening on it. */
function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
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

    const booting = startTestApp({
      databaseUrl: viaProxy.toString(),
      env: { DB_CONNECT_ATTEMPTS: '40', DB_CONNECT_BASE_DELAY_MS: '50', DB_CONNECT_MAX_DELAY_MS: '300' },
    });
    // The database "appears" after three attempts were turned away, however long they took.
    await waitFor(() => proxy.turnedAway() >= 3, { what: 'three connection attempts', intervalMs: 10 });
    proxy.open();
    t = await booting;

    await waitForStatus(`${t.url}/health/ready`, 200);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const failures = Number(/^db_connection_attempts_total\{outcome="failure"\} (\d+)/m.exec(metrics)?.[1]);
    // One failure counted per connection turned away, and no more.
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(failures).toBe(proxy.turnedAway());
    expect(metrics).toMatch(/^db_connection_attempts_total\{outcome="success"\} 1$/m);
  });

  it('gives up after the configured attempts with an error naming the database', async () => {
    const port = await closedPort();
    const nowhere = new URL(db.url);
    nowhere.hostname = '127.0.0.1';
    nowhere.port = String(port);
    await expect(
      startTestApp({ databaseUrl: nowhere.toString(), env: { DB_CONNECT_ATTEMPTS: '2', DB_CONNECT_BASE_DELAY_MS: '10' } }),
    ).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port} not reachable after 2 attempts`));
  });
});
