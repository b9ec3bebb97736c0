import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Modules are global only where Nest needs it: the configuration (every lib injects its slice)
 * and the database connection (every repository). Logging is global through nestjs-pino's own
 * LoggerModule. Every other module exports its services and is imported where they are used,
 * so the module graph shows, and enforces, which lib depends on which.
 */
describe('global modules', () => {
  it('only libs/config and libs/database declare a global module', () => {
    const globalDeclarations = sources(join(ROOT, 'libs'))
      .filter((file) => /@Global\(\)|\bglobal:\s*true\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(globalDeclarations.sort()).toEqual(['libs/config/src/config.module.ts', 'libs/database/src/database.module.ts']);
  });

  it('finds a global declaration (the control for the check above)', () => {
    expect(/@Global\(\)|\bglobal:\s*true\b/.test(readFileSync(join(ROOT, 'libs/config/src/config.module.ts'), 'utf8'))).toBe(true);
  });
});
