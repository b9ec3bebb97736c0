import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureHttpApp, createFastifyAdapter, exitOnSignals, HTTP_APP_OPTIONS } from '@app/common';
import { loadConfigOrExit, readDotEnv } from '@app/config';
import { useEmbeddedDatabaseByDefault } from '@app/database';
import { CONFIG_SLICES } from '../../composition/src';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  readDotEnv();
  const database = await useEmbeddedDatabaseByDefault(loadConfigOrExit(process.env, CONFIG_SLICES));
  const { config } = database;
  try {
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(), createFastifyAdapter(config), HTTP_APP_OPTIONS);
    await configureHttpApp(app);
    exitOnSignals(app, {
      delayMs: config.http.shutdownDelayMs,
      graceMs: config.http.shutdownGraceMs,
      afterClose: () => database.stop(),
    });
    await app.listen(config.http.port, config.http.host);
    new Logger('Bootstrap').log(
      `Clearmark API listening on http://localhost:${config.http.port} (docs /docs, readiness /health/ready, metrics /metrics)`,
    );
  } catch (error) {
    await database.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
