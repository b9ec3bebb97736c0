const NEEDS_ESCAPE = /["\\]/;

/**
 * A PostgreSQL array literal of the values (text, numbers, dates, null), cast by the statement.
 * Built here in one pass: pg's own array serializer escapes every element with two regular
 * expressions and formats dates in local time field by field, which cost more than the insert.
 */
export function arrayLiteral(values: unknown[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) literal += ',';
    const value = values[i];
    if (value === null || value === undefined) literal += 'NULL';
    else if (value instanceof Date) literal += `"${value.toISOString()}"`;
    else if (typeof value === 'number') literal += String(value);
    else {
      const text = String(value);
      literal += `"${NEEDS_ESCAPE.test(text) ? text.replace(/["\\]/g, '\\$&') : text}"`;
    }
  }
  return `${literal}}`;
}
