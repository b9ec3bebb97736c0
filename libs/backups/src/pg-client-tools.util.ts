import type { DatabaseConnectionConfig } from '@app/config';

export interface PgVersion {
  major: number;
  /** e.g. `15.20` */
  text: string;
}

/** Parses `pg_dump --version` / `pg_restore --version` output: `pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)`. */
export function parseToolVersion(output: string): PgVersion | null {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(output);
  if (!match) return null;
  const major = Number(match[1]);
  // Before PostgreSQL 10 the major version had two parts (9.6); those are all older than we need.
  return { major, text: match.slice(1).filter(Boolean).join('.') };
}

/** `SHOW server_version_num` (150014) to a version. */
export function parseServerVersionNum(value: string | number): PgVersion {
  const n = Number(value);
  const major = Math.floor(n / 10_000);
  return { major, text: `${major}.${n % 10_000}` };
}

/** Variables a child process keeps from ours: enough to run, nothing secret (no JWT_SECRET, SMTP_URL, ...). */
const INHERITED = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TZ', 'TMPDIR', 'SYSTEMROOT'];

export interface LibpqOptions {
  /** Connect to this database instead of the connection's own (scratch databases). */
  database?: string;
  applicationName: string;
  /** libpq sslmode; by default derived from the connection's TLS settings. */
  sslMode?: string;
  base?: NodeJS.ProcessEnv;
}

/**
 * The environment of a pg_dump / pg_restore child: the connection as libpq variables, the
 * password in PGPASSWORD, so that it never appears on a command line (visible to every user in
 * `ps`) or in a log. Any PG* variable of our own environment is dropped: PGOPTIONS, for one,
 * could slip a statement timeout into a backup.
 */
export function libpqEnvironment(connection: DatabaseConnectionConfig, options: LibpqOptions): NodeJS.ProcessEnv {
  const base = options.base ?? process.env;
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED) if (base[name] !== undefined) env[name] = base[name];
  env.PGHOST = connection.host;
  env.PGPORT = String(connection.port);
  env.PGUSER = connection.user;
  env.PGDATABASE = options.database ?? connection.database;
  env.PGAPPNAME = options.applicationName;
  env.PGCONNECT_TIMEOUT = '10';
  if (connection.password !== undefined) env.PGPASSWORD = connection.password;
  const tls = connection.tls;
  // verify-full is what the app's own connections check (node's rejectUnauthorized includes the host name).
  env.PGSSLMODE = options.sslMode ?? (!tls ? 'disable' : tls.rejectUnauthorized ? 'verify-full' : 'require');
  if (tls?.caFile) env.PGSSLROOTCERT = tls.caFile;
  return env;
}

/** host:port/database, for messages: never the user's password. */
export function describeConnection(connection: DatabaseConnectionConfig, database = connection.database): string {
  return `${connection.host}:${connection.port}/${database}`;
}
