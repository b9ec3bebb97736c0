import { DynamicModule, Logger, Module } from '@nestjs/common';
import { SequelizeModule } from '@nestjs/sequelize';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { AppConfigService } from '@app/config';
import { DatabasePool } from './connection/database-pool';
import { DatabaseProbe } from './connection/database-probe';
import { PreparedStatements } from './connection/prepared-statements';
import { sequelizeOptions } from './connection/sequelize-options';
import { waitForDatabase } from './connection/wait-for-database';
import { embeddedServerPort } from './embedded/embedded-default';
import { DATABASE_MODULE_OPTIONS, DatabaseModuleOptions } from './database.constants';
import { AdvisoryLockService } from './locks/advisory-lock.service';
import { DatabaseInstrumentation } from './metrics/database-instrumentation';
import { DB_CONNECTION_ATTEMPTS, databaseMetricProviders } from './metrics/database-metrics';
import { MigrationService } from './migrations/migration.service';
import { ReadReplicas } from './replicas/read-replicas';
import { TransactionRunner } from './transactions/transaction-runner';

@Module({ providers: databaseMetricProviders, exports: databaseMetricProviders })
class DatabaseMetricsModule {}

/**
 * The application's PostgreSQL connection (Sequelize over pg), its metrics, migrations,
 * transactions and advisory locks. Waits for the database with backoff before connecting.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    const logger = new Logger('Database');
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        DatabaseMetricsModule,
        SequelizeModule.forRootAsync({
          imports: [DatabaseMetricsModule],
          inject: [AppConfigService, getToken(DB_CONNECTION_ATTEMPTS)],
          useFactory: async (config: AppConfigService, attempts: Counter<string>) => {
            const { connection, connect } = config.database;
            if (!connection) throw new Error('DATABASE_URL is not set and no embedded database was started');
            await waitForDatabase(connection, connect, {
              onAttempt: (outcome, attempt, error) => {
                attempts.inc({ outcome });
                if (error) {
                  logger.warn(
                    `Database ${connection.host}:${connection.port} not reachable (attempt ${attempt}/${connect.attempts}): ${error.message}`,
                  );
                } else if (attempt > 1) {
                  logger.log(`Database reachable after ${attempt} attempts`);
                }
              },
            });
            return {
              ...sequelizeOptions(config.database, options.applicationName ?? 'clearmark'),
              models: options.models,
              autoLoadModels: false,
              synchronize: false,
              // waitForDatabase above has already retried; fail fast from here on.
              retryAttempts: 0,
              hooks: {
                // On the embedded server, every new connection asks where it listens now: after the
                // api restarted it (maybe on another port), the pool reconnects on its own.
                beforeConnect: async (connectionConfig: { port?: number | string }) => {
                  const port = await embeddedServerPort();
                  if (port !== undefined && Number(connectionConfig.port) !== port) {
                    logger.warn(`The embedded PostgreSQL now listens on port ${port}: connecting there`);
                    connectionConfig.port = port;
                  }
                },
              },
            };
          },
        }),
      ],
      providers: [
        { provide: DATABASE_MODULE_OPTIONS, useValue: options },
        DatabaseInstrumentation,
        TransactionRunner,
        AdvisoryLockService,
        MigrationService,
        PreparedStatements,
        DatabaseProbe,
        DatabasePool,
        ReadReplicas,
      ],
      exports: [TransactionRunner, AdvisoryLockService, MigrationService, PreparedStatements, DatabaseProbe, DatabasePool, ReadReplicas],
    };
  }
}
