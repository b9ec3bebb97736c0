import { gracefulShutdown } from '@app/common';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { gates, TestRoutesModule } from './support/test-routes.module';
import { waitFor, waitForStatus } from './support/wait-for';

describe('health and graceful shutdown (e2e)', () => {
  const databases: TestDatabase[] = [];
  const apps: TestApp[] = [];

  async function boot(env: Record<string, string> = {}, empty = false): Promise<TestApp> {
    const db = await createTestDatabase({ empty });
    databases.push(db);
    const t = await startTestApp({ databaseUrl: db.url, imports: [TestRoutesModule], env });
    apps.push(t);
    return t;
  }

  afterAll(async () => {
    for (const t of apps) await t.close().catch(() => undefined);
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('live and ready answer 200 on a healthy, migrated instance', async () => {
    const t = await boot();
    const live = await fetch(`${t.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    // Polled: on a loaded machine the bounded database ping may miss once right after boot.
    expect(await waitForStatus(`${t.url}/health/ready`, 200)).toMatchObject({
      status: 'ok',
      info: { lifecycle: { status: 'up' }, database: { status: 'up' }, migrations: { status: 'up' }, heap: { status: 'up' } },
    });
  });

  it('ready answers 503 naming pending migrations', async () => {
    const t = await boot({ MIGRATE_ON_START: 'false' }, true);
    type Checks = { checks: Record<string, { status: string; pending?: string[] }> };
    // Polled until the database ping answers (on a loaded machine it may miss once): then the
    // only reason left for the 503 is the schema.
    const ready = await waitFor(
      async () => {
        const res = await fetch(`${t.url}/health/ready`);
        return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Checks };
      },
      { what: 'readiness with the database up', until: (r) => r.body.checks?.database?.status === 'up' },
    );
    expect(ready.status).toBe(503);
    expect(ready.type).toMatch(/application\/problem\+json/);
    expect(ready.body.checks.migrations.status).toBe('down');
    expect(ready.body.checks.migrations.pending?.length).toBeGreaterThan(0);
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
  });

  it('on shutdown: ready turns 503 at once, in-flight requests finish, then the server stops', async () => {
    const t = await boot();
    const inFlight = fetch(`${t.url}/v1/__test/held?gate=drain`);
    await waitFor(() => gates.entered('drain') === 1, { what: 'the request to be in flight' });
    // The delay is what keeps /health/live answering while readiness already says 503.
    const shutdown = gracefulShutdown(t.app, { delayMs: 2_000, graceMs: 10_000 });

    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, { status: string }> };
    expect(body.checks.lifecycle.status).toBe('down');
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);

    // The request was still held when the shutdown began; it completes, and only then the server stops.
    gates.open('drain');
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(await shutdown).toBe(true);
    await expect(fetch(`${t.url}/health/live`)).rejects.toThrow();
  });

  it('reports a shutdown that overruns its grace period', async () => {
    const t = await boot();
    const inFlight = fetch(`${t.url}/v1/__test/held?gate=overrun`).catch(() => undefined);
    await waitFor(() => gates.entered('overrun') === 1, { what: 'the request to be in flight' });
    // Held until after the grace period: the shutdown cannot finish in time, whatever the machine's speed.
    expect(await gracefulShutdown(t.app, { delayMs: 0, graceMs: 200 })).toBe(false);
    gates.open('overrun');
    await inFlight;
  });
});
