/**
 * Invoice numbers `INV-YYYY-NNNNNN`: the UTC year of finalization and that year's sequence
 * number, which the finalizing transaction takes from its year's counter row (locked until it
 * commits; a rollback gives the number back), so numbers are gapless per year.
 */
export function formatInvoiceNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`${year} is not a four-digit year`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) throw new RangeError(`${sequence} is outside 1..999999`);
  return `INV-${year}-${String(sequence).padStart(6, '0')}`;
}

const NUMBER = /^INV-(\d{4})-(\d{6})$/;

export function parseInvoiceNumber(value: string): { year: number; sequence: number } | null {
  const match = NUMBER.exec(value);
  if (!match) return null;
  const sequence = Number(match[2]);
  return sequence === 0 ? null : { year: Number(match[1]), sequence };
}
