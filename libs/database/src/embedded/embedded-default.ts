import { Logger } from '@nestjs/common';
import { loadConfig, type AppConfig } from '@app/config';
import { currentEmbeddedPort, startEmbeddedPostgres } from './embedded-postgres';

export interface DatabaseDefault {
  config: AppConfig;
  /** Stops the embedded server if this process started it; no-op otherwise. */
  stop(): Promise<void>;
}

/** The embedded server's data dir when this process uses it (set by useEmbeddedDatabaseByDefault). */
let embeddedDataDir: string | undefined;

/**
 * For a process on the embedded server: where it listens now (it may have come back on another
 * port after a restart). Undefined when the database is configured (DATABASE_URL, PGHOST).
 */
export async function embeddedServerPort(): Promise<number | undefined> {
  return embeddedDataDir === undefined ? undefined : currentEmbeddedPort(embeddedDataDir);
}

/**
 * With no DATABASE_URL (or PGHOST) configured, starts the embedded PostgreSQL under
 * EMBEDDED_PG_DATA_DIR (or attaches to the one another process of ours already runs there),
 * exports its DATABASE_URL to this process and returns the configuration reloaded with it.
 */
export async function useEmbeddedDatabaseByDefault(config: AppConfig, env: NodeJS.ProcessEnv = process.env): Promise<DatabaseDefault> {
  if (config.database.connection) return { config, stop: async () => undefined };
  const logger = new Logger('EmbeddedPostgres');
  const { dataDir, port } = config.database.embedded;
  logger.log(`No DATABASE_URL set: starting the embedded PostgreSQL with its data in ${dataDir}`);
  const server = await startEmbeddedPostgres({ dataDir, port, log: (message) => logger.log(message) });
  embeddedDataDir = dataDir;
  env.DATABASE_URL = server.url;
  const shown = server.url.replace(/:[^:@/]+@/, ':****@');
  logger.log(
    `${server.owned ? 'Embedded PostgreSQL is running' : 'Attached to the embedded PostgreSQL already running'} on port ${server.port}. ` +
      `Connect with: psql "${shown}" (password in ${dataDir}/../embedded-credentials.json)`,
  );
  // Only the connection changed: the feature slices loaded before stay as they were.
  return {
    config: { ...loadConfig(env), slices: config.slices },
    stop: async () => {
      if (!server.owned) return;
      logger.log(`Stopping the embedded PostgreSQL on port ${server.port}`);
      await server.stop();
      logger.log('Embedded PostgreSQL stopped');
    },
  };
}
