import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const TEMPLATE = `// Why: <one line on what this change is for>
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(\`\`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql(\`\`);
};
`;

function timestamp(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}`;
}

/**
 * Writes `migrations/<YYYYMMDDHHmm>-<name>.ts` from the template; `name` is kebab-case, the
 * owning lib first, then a verb (`users-add-index-to-email`: see apps/composition/src/migration-owners.ts),
 * verb first (`create-users`, `add-index-to-sessions`). Returns the file's path.
 */
export function createMigrationFile(name: string, directory = resolve(process.cwd(), 'migrations'), now = new Date()): string {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(name)) {
    throw new Error(`Migration name "${name}" must be kebab-case with a verb first, e.g. create-users`);
  }
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${timestamp(now)}-${name}.ts`);
  if (existsSync(file)) throw new Error(`${file} already exists`);
  writeFileSync(file, TEMPLATE);
  return file;
}
