import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit, readDotEnv } from '@app/config';
import { useEmbeddedDatabaseByDefault } from '@app/database';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  readDotEnv();
  const database = await useEmbeddedDatabaseByDefault(loadConfigOrExit());
  const app = await NestFactory.createApplicationContext(WorkerModule.register(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  // The worker serves no sockets: keep the process alive explicitly until it is told to stop.
  const keepAlive = setInterval(() => undefined, 60_000);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    new NestLogger('Worker').log(`${signal} received: stopping`);
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
