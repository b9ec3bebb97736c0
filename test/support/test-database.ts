import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ADMIN_URL_VAR, TEMPLATE_DB_VAR } from '../setup/test-env';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env[ADMIN_URL_VAR];
  if (!url) throw new Error(`${ADMIN_URL_VAR} is not set: run the tests through jest (npm test)`);
  return url;
}

export function databaseUrl(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

/** PostgreSQL's "too many clients already": on a shared server (parallel runs) a transient state. */
const TOO_MANY_CONNECTIONS = '53300';
const CONNECT_DEADLINE_MS = 60_000;

/** An admin connection; waits (with a deadline) while the server has no connection slot free. */
async function connectAdmin(): Promise<Client> {
  const deadline = Date.now() + CONNECT_DEADLINE_MS;
  for (;;) {
    const client = new Client({ connectionString: adminUrl() });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if ((error as { code?: string }).code !== TOO_MANY_CONNECTIONS || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectAdmin();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of this test file's own. Cloned from the migrated template unless `empty`, so
 * files never see each other's rows and can run in parallel.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `clearmark_t_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? 'template0' : process.env[TEMPLATE_DB_VAR];
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
