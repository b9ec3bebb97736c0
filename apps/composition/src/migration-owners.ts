import { readdirSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';

/**
 * Which lib owns each migration. The rule: a migration is named `<YYYYMMDDHHmm>-<lib>-<what>.ts`,
 * where `<lib>` is a folder of libs/ (or `database` for extensions and other infrastructure).
 * The files written before the rule keep their names (existing databases store them in
 * schema_migrations, so a rename would look like one MISSING and one pending migration); their
 * owners are listed here once and for all. New files never go in this list.
 */
export const LEGACY_MIGRATION_OWNERS: Readonly<Record<string, string>> = {
  '202611250000-enable-extensions': 'database',
  '202611250100-create-users': 'users',
  '202611250110-create-sessions': 'sessions',
  '202611250120-create-notifications': 'notifications',
  '202611250200-create-api-logs': 'auditing',
  '202611250210-create-audit-logs': 'auditing',
  '202611250300-create-job-runs': 'jobs',
  '202611250310-create-backup-runs': 'backups',
  '202611250400-create-trademark-records': 'trademarks',
  '202611250410-create-trademark-search': 'trademarks',
  '202611250420-create-trademark-watches': 'trademarks',
  '202611250430-create-trademark-key-stats': 'trademarks',
  '202611250440-drop-trademark-searches-results-index': 'trademarks',
};

const ROOT = resolve(__dirname, '../../..');

/** The libs a migration may name: every folder of libs/. */
export function libNames(root = ROOT): string[] {
  return readdirSync(resolve(root, 'libs'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** The owning lib of a migration name, or undefined when the name follows no rule. */
export function migrationOwner(name: string, libs: readonly string[] = libNames()): string | undefined {
  const legacy = LEGACY_MIGRATION_OWNERS[name];
  if (legacy) return legacy;
  const match = /^\d{12}-([a-z0-9-]+)$/.exec(name);
  if (!match) return undefined;
  // The longest lib name that prefixes the rest: `trademarks-add-x` -> trademarks.
  return [...libs].sort((a, b) => b.length - a.length).find((lib) => match[1].startsWith(`${lib}-`));
}

/** The names of the migration files in migrations/ (as schema_migrations stores them). */
export function migrationNames(root = ROOT): string[] {
  return readdirSync(resolve(root, 'migrations'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.spec.ts'))
    .map((f) => basename(f, extname(f)))
    .sort();
}
