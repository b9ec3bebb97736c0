import type { FieldError } from '../problem/problem-details';

/**
 * C0 control characters (U+0000 to U+001F) other than tab, line feed and carriage return. NUL
 * cannot be stored in PostgreSQL text (22P05) and the others have no place in any field.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const FORBIDDEN_CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

export const CONTROL_CHARACTER_MESSAGE = 'must not contain control characters (U+0000 to U+001F other than tab and line breaks)';

function join(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Every string in `value` (keys included) that holds a forbidden control character, as field
 * errors named like the validation pipe names them. Iterative, and bounded by `maxDepth` (the
 * body parser already refused anything deeper).
 */
export function controlCharacterErrors(value: unknown, root = '', maxDepth = 100): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (FORBIDDEN_CONTROL_CHARACTERS.test(current)) errors.push({ field: path || 'body', message: CONTROL_CHARACTER_MESSAGE });
    } else if (current !== null && typeof current === 'object' && depth < maxDepth) {
      if (Array.isArray(current)) {
        current.forEach((item, index) => stack.push({ value: item, path: join(path, index), depth: depth + 1 }));
      } else {
        for (const [key, item] of Object.entries(current)) {
          const field = join(path, key);
          if (FORBIDDEN_CONTROL_CHARACTERS.test(key)) errors.push({ field: path || 'body', message: `has a field name that ${CONTROL_CHARACTER_MESSAGE}` });
          else stack.push({ value: item, path: field, depth: depth + 1 });
        }
      }
    }
  }
  return errors.reverse();
}
