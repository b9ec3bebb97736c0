/** Field checks shared by the XML and CSV parsers: each returns the clean value or throws a reason. */

export class RecordFieldError extends Error {}

const SERIAL = /^\d{8}$/;

export function serialNumberOf(value: string | undefined): string {
  const serial = value?.trim() ?? '';
  if (serial === '') throw new RecordFieldError('missing serial number');
  if (!SERIAL.test(serial)) throw new RecordFieldError(`invalid serial number "${serial}" (8 digits expected)`);
  return serial;
}

/** USPTO leaves registration-number at 0000000 until the mark registers. */
export function registrationNumberOf(value: string | undefined): string | null {
  const number = value?.trim() ?? '';
  return number === '' || /^0+$/.test(number) ? null : number;
}

/** Nice classes "025" / "25", each 1..45; ascending and distinct. */
export function niceClassesOf(codes: string[]): number[] {
  const classes = new Set<number>();
  for (const raw of codes) {
    const code = raw.trim();
    const n = /^\d{1,3}$/.test(code) ? Number(code) : NaN;
    if (!(n >= 1 && n <= 45)) throw new RecordFieldError(`invalid Nice class "${code}" (1 to 45 expected)`);
    classes.add(n);
  }
  return [...classes].sort((a, b) => a - b);
}

/** YYYYMMDD or YYYY-MM-DD to YYYY-MM-DD; empty or all zeros is no date. */
export function dateOf(value: string | undefined, field: string): string | null {
  const text = value?.trim() ?? '';
  if (text === '' || /^0+$/.test(text)) return null;
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  if (match) {
    const [, y, m, d] = match;
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    if (date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d)) return `${y}-${m}-${d}`;
  }
  throw new RecordFieldError(`invalid ${field} "${text}"`);
}

export function textOf(value: string | undefined): string | null {
  const text = value?.replace(/\s+/g, ' ').trim() ?? '';
  return text === '' ? null : text;
}

export function statusCodeOf(value: string | undefined): string | null {
  const code = value?.trim() ?? '';
  if (code === '') return null;
  if (!/^\d{3}$/.test(code)) throw new RecordFieldError(`invalid status code "${code}"`);
  return code;
}
