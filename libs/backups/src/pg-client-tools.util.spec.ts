import { describeConnection, libpqEnvironment, parseServerVersionNum, parseToolVersion } from './pg-client-tools.util';

describe('parseToolVersion', () => {
  it('reads the version of pg_dump and pg_restore builds', () => {
    expect(parseToolVersion('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n')).toEqual({ major: 15, text: '15.20' });
    expect(parseToolVersion('pg_restore (PostgreSQL) 16.4')).toEqual({ major: 16, text: '16.4' });
    expect(parseToolVersion('pg_dump (PostgreSQL) 9.6.24')).toEqual({ major: 9, text: '9.6.24' });
    expect(parseToolVersion('pg_dump (PostgreSQL) 17devel')).toEqual({ major: 17, text: '17' });
    expect(parseToolVersion('bash: pg_dump: command not found')).toBeNull();
  });
});

describe('parseServerVersionNum', () => {
  it('splits server_version_num', () => {
    expect(parseServerVersionNum('150014')).toEqual({ major: 15, text: '15.14' });
    expect(parseServerVersionNum(160004)).toEqual({ major: 16, text: '16.4' });
  });
});

describe('libpqEnvironment', () => {
  const connection = { host: 'db.internal', port: 5433, user: 'app', password: 's3cret pass', database: 'clearmark' };
  const base = { PATH: '/usr/bin', HOME: '/home/node', JWT_SECRET: 'x'.repeat(40), PGOPTIONS: '-c statement_timeout=1000', PGPASSWORD: 'other', DATABASE_URL: 'postgres://a:b@c/d' };

  it('passes the connection as libpq variables, the password only in PGPASSWORD, and none of our secrets', () => {
    const env = libpqEnvironment(connection, { applicationName: 'clearmark-backup', base });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/node',
      PGHOST: 'db.internal',
      PGPORT: '5433',
      PGUSER: 'app',
      PGPASSWORD: 's3cret pass',
      PGDATABASE: 'clearmark',
      PGAPPNAME: 'clearmark-backup',
      PGCONNECT_TIMEOUT: '10',
      PGSSLMODE: 'disable',
    });
  });

  it('targets another database and follows the TLS settings', () => {
    const verified = libpqEnvironment(
      { ...connection, tls: { rejectUnauthorized: true, caFile: '/etc/ssl/db-ca.pem' } },
      { applicationName: 'x', database: 'clearmark_drill_1', base },
    );
    expect(verified).toMatchObject({ PGDATABASE: 'clearmark_drill_1', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/ssl/db-ca.pem' });
    expect(libpqEnvironment({ ...connection, tls: { rejectUnauthorized: false } }, { applicationName: 'x', base }).PGSSLMODE).toBe('require');
    expect(libpqEnvironment(connection, { applicationName: 'x', base, sslMode: 'prefer' }).PGSSLMODE).toBe('prefer');
  });

  it('describes a connection without its password', () => {
    expect(describeConnection(connection)).toBe('db.internal:5433/clearmark');
  });
});
