import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit, readDotEnv } from '@app/config';
import { pingDatabase, useEmbeddedDatabaseByDefault } from '@app/database';
import { CONFIG_SLICES } from '../../composition/src';
import { startMetricsServer, type MetricsServer } from '@app/observability';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  readDotEnv();
  const database = await useEmbeddedDatabaseByDefault(loadConfigOrExit(process.env, CONFIG_SLICES));
  const { config } = database;
  const app = await NestFactory.createApplicationContext(WorkerModule.register(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  let stopping = false;
  // The worker runs the jobs, so Prometheus scrapes their metrics here (it has no HTTP app).
  let metrics: MetricsServer | undefined;
  const { workerMetricsPort, metricsToken, healthDbTimeoutMs } = config.observability;
  const connection = config.database.connection;
  if (workerMetricsPort > 0) {
    try {
      metrics = await startMetricsServer({
        host: config.http.host,
        port: workerMetricsPort,
        token: metricsToken,
        // Ready while its database answers: a worker that lost it says so instead of only logging errors.
        readiness: async () => (stopping ? 'shutting down' : connection ? pingDatabase(connection, healthDbTimeoutMs) : 'no database configured'),
      });
      new NestLogger('Worker').log(`Metrics on http://${config.http.host}:${metrics.port}/metrics, readiness on /health/ready`);
    } catch (error) {
      // A second worker on the same host: it still runs jobs, only its metrics are not served.
      new NestLogger('Worker').warn(`Metrics not served: port ${workerMetricsPort} (WORKER_METRICS_PORT): ${(error as Error).message}`);
    }
  }
  // Keep the process alive explicitly until it is told to stop (the metrics server may be off).
  const keepAlive = setInterval(() => undefined, 60_000);
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    new NestLogger('Worker').log(`${signal} received: stopping`);
    await metrics?.close();
    await app.close();
    await database.stop();
    setTimeout(() => process.exit(0), 100).unref();
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
  new NestLogger('Worker').log('Worker started');
}

main().catch((error: unknown) => {
  process.stderr.write(`Worker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
