import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, uniqueEmail } from './support/auth-client';

describe('revocation reaches every instance (e2e)', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Two API instances on one database, each with its own session cache (the default TTL).
    const env = { JWT_SECRET: 'shared-secret-of-the-deployment-at-least-32-bytes' };
    apps.push(await startTestApp({ databaseUrl: db.url, env }), await startTestApp({ databaseUrl: db.url, env }));
  });

  afterAll(async () => {
    for (const t of apps) await t.close();
    await db.drop();
  });

  it('a logout on one instance ends the session on the other within 5 seconds', async () => {
    const [a, b] = apps.map((t) => client(t.url));
    const email = uniqueEmail();
    await a.register(email);
    const session = await a.login(email);
    // Instance B has checked (and cached) the session.
    expect((await b.me(session.accessToken)).status).toBe(200);
    expect((await b.me(session.accessToken)).status).toBe(200);

    const loggedOutAt = Date.now();
    expect((await a.call('POST', '/v1/auth/logout', { token: session.accessToken, body: {} })).status).toBe(204);
    // At once on the instance that revoked it.
    expect((await a.me(session.accessToken)).status).toBe(401);
    let status = 200;
    while (status === 200 && Date.now() - loggedOutAt < 7_000) {
      status = (await b.me(session.accessToken)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
    expect(Date.now() - loggedOutAt).toBeLessThan(5_000);
  });
});
