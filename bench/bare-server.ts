/**
 * The bare baseline of the HTTP benchmark: plain Fastify 5 and a `pg.Pool`, nothing else (no
 * NestJS, no Sequelize, no logging, no hooks). It runs as a child process of
 * `http-baseline.ts` and `identity.ts`, so that, like the API, it has an event loop of its own
 * and does not share one with autocannon.
 *
 * Routes: GET /live (no database), GET /db (`SELECT 1`), GET /user/:id (one user by primary
 * key, the baseline of the API's GET /v1/users/me; needs the API's migrations applied),
 * GET /trigram?q=<normalized mark> (one raw pg_trgm query on trademark_records, the baseline of
 * the API's POST /v1/trademarks/searches; similarity threshold BENCH_BARE_TRGM_THRESHOLD, 0.3).
 *
 * Input: BENCH_BARE_DATABASE_URL. Output: sends `{ port }` to the parent over IPC once it
 * listens on 127.0.0.1 (any free port). Stops on SIGTERM/SIGINT or when the parent goes away.
 */
import Fastify from 'fastify';
import { Pool } from 'pg';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  role: string;
  status: string;
  created_at: Date;
  last_login_at: Date | null;
}

async function main(): Promise<void> {
  const connectionString = process.env.BENCH_BARE_DATABASE_URL;
  if (!connectionString) throw new Error('BENCH_BARE_DATABASE_URL is not set');
  if (!process.send) throw new Error('bare-server must be started with an IPC channel (child_process.fork)');

  // Same pool size as the API's (DB_POOL_MAX=20).
  const pool = new Pool({ connectionString, max: 20 });
  const threshold = Number(process.env.BENCH_BARE_TRGM_THRESHOLD ?? '0.3');
  if (!(threshold > 0 && threshold <= 1)) throw new Error('BENCH_BARE_TRGM_THRESHOLD must be in (0, 1]');
  // Once per pooled connection, before any query of it runs.
  pool.on('connect', (client) => {
    client.query(`SET pg_trgm.similarity_threshold = ${threshold}`).catch(() => undefined);
  });
  const app = Fastify({ logger: false });

  app.get('/live', async () => ({ status: 'ok' }));
  app.get('/db', async () => {
    const { rows } = await pool.query<{ ok: number }>('SELECT 1 AS ok');
    return { status: 'ok', database: rows[0]?.ok === 1 ? 'up' : 'down' };
  });
  // The same columns and JSON shape as the API's user profile (GET /v1/users/me).
  app.get<{ Params: { id: string } }>('/user/:id', async (request, reply) => {
    if (!UUID.test(request.params.id)) return reply.code(400).send({ error: 'not a uuid' });
    const { rows } = await pool.query<UserRow>(
      'SELECT id, email, name, role, status, created_at, last_login_at FROM users WHERE id = $1',
      [request.params.id],
    );
    const user = rows[0];
    if (!user) return reply.code(404).send({ error: 'no such user' });
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      status: user.status,
      createdAt: user.created_at,
      lastLoginAt: user.last_login_at,
    };
  });

  // One trigram query: candidates above the threshold via the GIN index, best 20 by similarity.
  app.get<{ Querystring: { q?: string } }>('/trigram', async (request, reply) => {
    const q = request.query.q;
    if (typeof q !== 'string' || q.trim() === '' || q.length > 200) return reply.code(400).send({ error: 'q required' });
    const { rows } = await pool.query<{ serial_number: string; mark: string }>(
      'SELECT serial_number, mark FROM trademark_records WHERE normalized_mark % $1 ORDER BY similarity(normalized_mark, $1) DESC LIMIT 20',
      [q],
    );
    return { count: rows.length, results: rows.map((r) => ({ serialNumber: r.serial_number, mark: r.mark })) };
  });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await app.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('bare server has no TCP address');
  process.send({ port: address.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`bare-server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
