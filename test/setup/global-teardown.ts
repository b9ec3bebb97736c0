import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { stopRunRedis } from './test-redis';

export default async function globalTeardown(): Promise<void> {
  await stopRunRedis(globalThis.__CLEARMARK_TEST_REDIS__);
  const state = globalThis.__CLEARMARK_TEST_PG__;
  if (!state) return;
  if (!state.server) {
    // A shared server (TEST_DATABASE_URL): remove what this run created.
    const admin = new Client({ connectionString: state.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${state.template} WITH (FORCE)`);
    await admin.end();
  }
  await state.server?.stop();
  if (state.dir) rmSync(state.dir, { recursive: true, force: true });
}
