import { resolve } from 'node:path';

const RUNNING_TYPESCRIPT = __filename.endsWith('.ts');

/**
 * The project's `data/` (reference data shipped with the product): three levels above this file
 * in the source tree (libs/trademarks/src), four in the compiled one (dist/libs/trademarks/src).
 */
export const PROJECT_DATA_DIR = resolve(__dirname, RUNNING_TYPESCRIPT ? '../../..' : '../../../..', 'data');

export const NICE_CLASSES_FILE = resolve(PROJECT_DATA_DIR, 'nice/classes.json');
export const SAMPLE_REGISTRY_FILE = resolve(PROJECT_DATA_DIR, 'registry/sample-daily.xml');
