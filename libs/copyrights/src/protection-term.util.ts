/**
 * US term of protection (17 U.S.C. 302; Copyright Office Circular 15a) for works created on or
 * after 1978-01-01:
 * - a work by one or more known natural authors: 70 years after the death of the last surviving
 *   author, to the end of that calendar year (17 U.S.C. 305);
 * - anonymous, pseudonymous or made for hire: 95 years from first publication or 120 years from
 *   creation, whichever expires first, to the end of that calendar year;
 * - not computable while a known author's death year is missing (the author may be alive).
 * Older works follow other rules (renewal, 1909 Act) and are not computed.
 */
export interface TermAuthor {
  name: string;
  role?: string | null;
  birthYear?: number | null;
  deathYear?: number | null;
  workMadeForHire?: boolean | null;
}

export interface ProtectionTerm {
  /** ISO date (YYYY-12-31) or null when it cannot be computed. */
  endsOn: string | null;
  rule: string;
}

const ANONYMOUS_ROLES = new Set(['anonymous', 'pseudonymous']);

function endOfYear(year: number): string {
  return `${String(year).padStart(4, '0')}-12-31`;
}

export function protectionTerm(work: { creationDate: string; publicationDate?: string | null; authors: TermAuthor[] }): ProtectionTerm {
  if (work.creationDate < '1978-01-01') return { endsOn: null, rule: 'pre-1978: not computed' };
  const createdYear = Number(work.creationDate.slice(0, 4));
  const corporate = work.authors.length === 0 || work.authors.some((a) => a.workMadeForHire === true || ANONYMOUS_ROLES.has((a.role ?? '').toLowerCase()));
  if (corporate) {
    const fromCreation = createdYear + 120;
    if (!work.publicationDate) return { endsOn: endOfYear(fromCreation), rule: 'anonymous, pseudonymous or made for hire: 120 years from creation (unpublished)' };
    const fromPublication = Number(work.publicationDate.slice(0, 4)) + 95;
    return fromPublication <= fromCreation
      ? { endsOn: endOfYear(fromPublication), rule: 'anonymous, pseudonymous or made for hire: 95 years from publication' }
      : { endsOn: endOfYear(fromCreation), rule: 'anonymous, pseudonymous or made for hire: 120 years from creation' };
  }
  if (work.authors.some((a) => a.deathYear === undefined || a.deathYear === null)) {
    return { endsOn: null, rule: 'life + 70: unknown while an author’s death year is missing' };
  }
  const lastDeath = Math.max(...work.authors.map((a) => a.deathYear as number));
  return { endsOn: endOfYear(lastDeath + 70), rule: work.authors.length > 1 ? 'joint work: life of the last surviving author + 70 years' : 'life of the author + 70 years' };
}
