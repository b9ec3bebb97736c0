import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { FEATURES_VERSION } from './text';
import { CLASS_MODEL_FILE, trainFromData, writeModel } from './training-data';

/**
 * `npm run train:classes`: trains the Nice-class model from data/nice and writes the versioned
 * artifact (data/models/nice-classes.json). With `--if-missing` (the build) an existing one stays.
 */
function main(): void {
  if (process.argv.includes('--if-missing') && existsSync(CLASS_MODEL_FILE)) {
    const current = JSON.parse(readFileSync(CLASS_MODEL_FILE, 'utf8')) as { featuresVersion?: number };
    if (current.featuresVersion === FEATURES_VERSION) return;
  }
  const started = performance.now();
  const model = trainFromData();
  writeModel(model);
  process.stdout.write(`${model.modelVersion} written to ${CLASS_MODEL_FILE} in ${Math.round(performance.now() - started)} ms\n`);
}

main();
