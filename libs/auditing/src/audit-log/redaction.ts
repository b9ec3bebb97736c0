/** Keys whose values never reach a log row, in any nesting and any case or separator style. */
const SECRET_KEY = /pass(word|phrase)?|secret|token|authori[sz]ation|cookie|api[-_]?key|credential|card|cvv|cvc|pan$|iban|signature|otp/i;
/** A JWT or a bearer credential, wherever it appears as a value. */
const TOKEN_VALUE = /^(Bearer\s+)?eyJ[\w-]+\.[\w-]+\.[\w-]*$/;
const DIGITS = /^[\d -]{13,23}$/;

export const REDACTED = '[redacted]';

/**
 * PostgreSQL text and jsonb cannot hold U+0000: a NUL that reached an audit row (an e-mail typed
 * with one, say) made the whole row fail (22P05), so the event was lost. It is stored as U+FFFD.
 */
function storable(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** A payment card number: 13 to 19 digits (spaces or dashes allowed) passing the Luhn check. */
function looksLikeCardNumber(value: string): boolean {
  if (!DIGITS.test(value)) return false;
  const digits = value.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * A deep copy with every secret removed: values under secret-looking keys, tokens and card
 * numbers anywhere. Applied to everything an audit or log row stores, before it is stored.
 */
export function redact<T>(value: T, depth = 0): T {
  if (depth > 20) return REDACTED as T;
  if (typeof value === 'string') return (TOKEN_VALUE.test(value) || looksLikeCardNumber(value) ? REDACTED : storable(value)) as T;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as T;
  if (value instanceof Date) return value;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[storable(key)] = SECRET_KEY.test(key) ? REDACTED : redact(inner, depth + 1);
    }
    return out as T;
  }
  return value;
}
