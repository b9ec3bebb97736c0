import { gracefulShutdown } from '@app/common';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { TestRoutesModule } from './support/test-routes.module';

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
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { lifecycle: { status: 'up' }, database: { status: 'up' }, migrations: { status: 'up' }, heap: { status: 'up' } },
    });
  });

  it('ready answers 503 naming pending migrations', async () => {
    const t = await boot({ MIGRATE_ON_START: 'false' }, true);
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await ready.json()) as { checks: Record<string, { status: string; pending?: string[] }> };
    expect(body.checks.migrations.status).toBe('down');
    expect(body.checks.migrations.pending?.length).toBeGreaterThan(0);
    expect(body.checks.database.status).toBe('up');
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
  });

  it('on shutdown: ready turns 503 at once, in-flight requests finish, then the server stops', async () => {
    const t = await boot();
    const inFlight = fetch(`${t.url}/v1/__test/slow?ms=800`);
    await new Promise((r) => setTimeout(r, 50));
    const shutdown = gracefulShutdown(t.app, { delayMs: 500, graceMs: 5_000 });

    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, { status: string }> };
    expect(body.checks.lifecycle.status).toBe('down');
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);

    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(await shutdown).toBe(true);
    await expect(fetch(`${t.url}/health/live`)).rejects.toThrow();
  });

  it('reports a shutdown that overruns its grace period', async () => {
    const t = await boot();
    const inFlight = fetch(`${t.url}/v1/__test/slow?ms=1500`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(await gracefulShutdown(t.app, { delayMs: 0, graceMs: 200 })).toBe(false);
    await inFlight;
  });
});
