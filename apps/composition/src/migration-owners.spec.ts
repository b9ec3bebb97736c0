import { LEGACY_MIGRATION_OWNERS, libNames, migrationNames, migrationOwner } from './migration-owners';

describe('migration ownership', () => {
  const libs = libNames();

  it('every migration names the lib that owns it (<YYYYMMDDHHmm>-<lib>-<what>), or is a listed legacy file', () => {
    const unowned = migrationNames().filter((name) => {
      const owner = migrationOwner(name, libs);
      return !owner || !libs.includes(owner);
    });
    expect(unowned).toEqual([]);
  });

  it('keeps every legacy name as existing databases store it (no rename: nothing pending, nothing missing)', () => {
    const names = new Set(migrationNames());
    expect(Object.keys(LEGACY_MIGRATION_OWNERS).filter((name) => !names.has(name))).toEqual([]);
  });

  it('reads the owner from the name, the longest lib name first', () => {
    expect(migrationOwner('202612021000-copyrights-create-works', ['copyrights', 'users'])).toBe('copyrights');
    expect(migrationOwner('202612027000-users-add-index', ['users', 'sessions'])).toBe('users');
    expect(migrationOwner('202612027000-create-things', ['users'])).toBeUndefined();
    expect(migrationOwner('202611250210-create-audit-logs', ['auditing'])).toBe('auditing');
  });
});
