import { ConnectionAcquireTimeoutError, DatabaseError, UniqueConstraintError } from 'sequelize';
import { classifyDatabaseError } from './connection/database-errors';
import { backoffDelay } from './connection/wait-for-database';
import { queryOperation } from './metrics/database-metrics';

function pgError(code: string): Error {
  return Object.assign(new Error(`pg ${code}`), { code, severity: 'ERROR' });
}

describe('backoffDelay', () => {
  const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('grows exponentially up to the ceiling', () => {
    const top = (attempt: number) => backoffDelay(attempt, policy, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters between half and all of the step', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(200);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(300);
  });
});

describe('queryOperation', () => {
  it.each([
    ['SELECT 1', 'select'],
    ['  insert into users values ($1)', 'insert'],
    ['UPDATE "users" SET', 'update'],
    ['DELETE FROM x', 'delete'],
    ['START TRANSACTION;', 'transaction'],
    ['COMMIT;', 'transaction'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'other'],
    ['CREATE TABLE t ()', 'other'],
  ])('%s -> %s', (sql, operation) => {
    expect(queryOperation(sql)).toBe(operation);
  });
});

describe('classifyDatabaseError', () => {
  it('recognises timeouts, connection loss, constraints and serialization failures', () => {
    expect(classifyDatabaseError(new DatabaseError(pgError('57014') as never))).toBe('timeout');
    expect(classifyDatabaseError(new DatabaseError(pgError('25P03') as never))).toBe('timeout');
    expect(classifyDatabaseError(new DatabaseError(pgError('57P01') as never))).toBe('connection');
    expect(classifyDatabaseError(new DatabaseError(pgError('40001') as never))).toBe('serialization');
    expect(classifyDatabaseError(new UniqueConstraintError({ parent: pgError('23505') as never }))).toBe('constraint');
    expect(classifyDatabaseError(new ConnectionAcquireTimeoutError(new Error('pool') as never))).toBe('connection');
    expect(classifyDatabaseError(pgError('08006'))).toBe('connection');
    expect(classifyDatabaseError(new Error('Connection terminated unexpectedly'))).toBe('connection');
  });

  it('leaves errors that are not the database alone', () => {
    expect(classifyDatabaseError(new Error('boom'))).toBeUndefined();
    expect(classifyDatabaseError(new TypeError('x is undefined'))).toBeUndefined();
    expect(classifyDatabaseError('text')).toBeUndefined();
  });
});
