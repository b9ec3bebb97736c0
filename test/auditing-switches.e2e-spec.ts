import { Client } from 'pg';
import { ApiLogService } from '@app/auditing';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, uniqueEmail } from './support/auth-client';

describe('switching request logging off (for measurements and emergencies)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { API_LOG_ENABLED: 'false', AUDIT_REQUESTS_ENABLED: 'false' } });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql.end();
    await t.close();
    await db.drop();
  });

  it('writes no request rows, but still records explicit security events', async () => {
    const api = client(t.url);
    const email = uniqueEmail();
    const { user } = await api.register(email);
    for (let i = 0; i < 5; i++) await api.call('POST', '/v1/auth/login', { body: { email, password: 'not the password' } });
    await t.app.get(ApiLogService).flush();
    expect((await sql.query('SELECT count(*)::int AS n FROM api_logs')).rows[0].n).toBe(0);
    const audit = (await sql.query('SELECT action, entity_id FROM audit_logs ORDER BY seq')).rows;
    expect(audit).toEqual([{ action: 'auth.lockout', entity_id: user.id }]);
  });
});
