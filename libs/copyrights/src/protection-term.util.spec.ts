import { protectionTerm, type TermAuthor } from './protection-term.util';

const author = (extra: Partial<TermAuthor> = {}): TermAuthor => ({ name: 'A', ...extra });

describe('protectionTerm (Circular 15a, works created on or after 1978)', () => {
  it.each([
    ['one author, died 2000', { creationDate: '1990-05-01', authors: [author({ deathYear: 2000 })] }, '2070-12-31', 'life of the author + 70 years'],
    ['joint work: the last surviving author counts', { creationDate: '1985-01-01', authors: [author({ deathYear: 1990 }), author({ deathYear: 2010 })] }, '2080-12-31', 'joint work: life of the last surviving author + 70 years'],
    ['made for hire, published: 95 from publication ends first', { creationDate: '1980-01-01', publicationDate: '1990-06-01', authors: [author({ workMadeForHire: true })] }, '2085-12-31', 'anonymous, pseudonymous or made for hire: 95 years from publication'],
    ['made for hire, published late: 120 from creation ends first', { creationDate: '1980-01-01', publicationDate: '2010-01-01', authors: [author({ workMadeForHire: true })] }, '2100-12-31', 'anonymous, pseudonymous or made for hire: 120 years from creation'],
    ['anonymous, unpublished: 120 from creation', { creationDate: '2001-03-03', authors: [author({ role: 'anonymous' })] }, '2121-12-31', 'anonymous, pseudonymous or made for hire: 120 years from creation (unpublished)'],
    ['pseudonymous, published', { creationDate: '2000-01-01', publicationDate: '2001-01-01', authors: [author({ role: 'pseudonymous' })] }, '2096-12-31', 'anonymous, pseudonymous or made for hire: 95 years from publication'],
    ['death year missing: unknown', { creationDate: '2000-01-01', authors: [author({ deathYear: 1999 }), author()] }, null, 'life + 70: unknown while an author’s death year is missing'],
    ['created before 1978', { creationDate: '1977-12-31', authors: [author({ deathYear: 1980 })] }, null, 'pre-1978: not computed'],
    ['created on 1978-01-01 is computed', { creationDate: '1978-01-01', authors: [author({ deathYear: 1978 })] }, '2048-12-31', 'life of the author + 70 years'],
  ])('%s', (_name, work, endsOn, rule) => {
    expect(protectionTerm(work)).toEqual({ endsOn, rule });
  });
});
