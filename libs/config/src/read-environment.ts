import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, type AppConfig } from './app-config';
import type { ConfigSlice } from './config-slice';
import { ConfigValidationError } from './environment';

/**
 * Reads `.env` from the working directory into process.env (variables already set win), once,
 * before anything validates the environment. Not used by tests, which pass their own.
 */
export function readDotEnv(file = resolve(process.cwd(), '.env')): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Loads the configuration for a process entry point; on invalid input prints why and exits 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv, slices: readonly ConfigSlice[]): AppConfig {
  try {
    return loadConfig(env, slices);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\nFix the variables above (see the configuration table in README.md) and start again.\n`);
      process.exit(1);
    }
    throw error;
  }
}
