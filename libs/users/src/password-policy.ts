import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_BYTES = 12;
/** bcrypt reads at most 72 bytes: a longer password would be silently truncated. */
export const PASSWORD_MAX_BYTES = 72;

let common: Set<string> | undefined;

/** ~49,000 common passwords from @zxcvbn-ts/language-common, loaded once. */
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary as Record<string, string[]>)['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/**
 * The password rules of NIST SP 800-63B: a length range counted in UTF-8 bytes (what bcrypt
 * sees) and no password from a list of common ones; no composition rules. Returns the reason
 * a password is refused, or null when it is acceptable.
 */
export function passwordProblem(password: string): string | null {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < PASSWORD_MIN_BYTES) return `must be at least ${PASSWORD_MIN_BYTES} bytes long (it is ${bytes})`;
  if (bytes > PASSWORD_MAX_BYTES) return `must be at most ${PASSWORD_MAX_BYTES} bytes long in UTF-8 (it is ${bytes})`;
  if (commonPasswords().has(password.toLowerCase())) return 'is too common: it appears in lists of leaked passwords';
  return null;
}

export function commonPasswordCount(): number {
  return commonPasswords().size;
}
