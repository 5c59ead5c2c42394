// bibtexFor against the faults a review found with two BibTeX parsers, read back by two independent readers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bibtexFor, type BibtexPaper } from '../../src/domain/bibtex.ts';
import { publicationDate } from '../../src/domain/paper.ts';
import { authorWords, readWithCitationJs, readWithRetorquere, type ReadEntry } from '../helpers/bibtex-readers.ts';

const paper = (over: Partial<BibtexPaper>): BibtexPaper => ({
  id: '2504.17343',
  title: 'A Title',
  authors: ['Ada Lovelace'],
  categories: ['cs.CV'],
  doi: null,
  submittedAt: '2025-04-24T09:00:00Z',
  announcedOn: null,
  versions: [],
  ...over,
});

/** The entry read by both readers (each must find exactly one). */
function readBoth(bib: string): [ReadEntry, ReadEntry] {
  const a = readWithRetorquere(bib);
  const b = readWithCitationJs(bib);
  expect(a).toHaveLength(1);
  expect(b).toHaveLength(1);
  return [a[0], b[0]];
}

describe('bibtexFor titles', () => {
  it.each([
    ['2504.17343', 'TimeChat-Online: 80% Visual Tokens are Naturally Redundant in Streaming Videos'],
    ['2503.12141', 'Enhanced Sentiment Analysis of Iranian Restaurant Reviews Utilizing Sentiment Intensity Analyzer & Fuzzy Logic'],
    ['2401.00001', 'Costs of $5 and #1 in snake_case ~100 times, 2^10 {braces} and more'],
  ])('%s: every special character survives to the end of the title', (id, title) => {
    const bib = bibtexFor(paper({ id, title }));
    for (const entry of readBoth(bib)) expect(entry.title).toBe(title.replace(/[{}]/g, ''));
  });

  it('keeps capitals even for styles that lower-case titles', () => {
    const title = 'TimeChat-Online: 80% Visual Tokens in LLMs';
    const [sentenceCased] = readWithRetorquere(bibtexFor(paper({ title })), { sentenceCase: true });
    expect(sentenceCased.title).toBe(title);
  });

  it('keeps math as math, decodes accents and drops formatting and grouping', () => {
    const bib = bibtexFor(paper({ title: "R\\'enyi $\\alpha_{1}$-divergence for {BERT}: \\emph{fast} \\LaTeX{} costs \\$5, 15\\% less" }));
    expect(bib).toContain('{$\\alpha_{1}$}-divergence');
    for (const entry of readBoth(bib)) expect(entry.title).toBe('Rényi α₁-divergence for BERT: fast LaTeX costs $5, 15% less');
  });

  it('reads a backslash as the start of a TeX command, an unknown one as its name', () => {
    for (const entry of readBoth(bibtexFor(paper({ title: 'A \\foo bar \\\\ baz' })))) expect(entry.title).toBe('A foo bar baz');
  });

  it('writes an escaped underscore in math so that both readers read the entry (a fuzz counterexample)', () => {
    const bib = bibtexFor(paper({ title: 'Names like $a\\_b$ and $\\_$' }));
    expect(bib).toContain('{$a\\_{}b$}');
    expect(readBoth(bib)).toHaveLength(2);
  });

  it('drops stray commas around and between the parts of a name (a fuzz counterexample)', () => {
    const bib = bibtexFor(paper({ authors: [',,,Ada', 'Lovelace,,Ada,'] }));
    expect(bib).toContain('author = {Ada and Lovelace, Ada}');
    const [retorquere] = readBoth(bib);
    expect(retorquere.authors).toHaveLength(2);
  });

  it('treats unbalanced math as text rather than break the entry', () => {
    const bib = bibtexFor(paper({ title: 'Odd $\\frac{a}{b$ case' }));
    for (const entry of readBoth(bib)) expect(entry.title).toBe('Odd $\\frac{a}{b$ case');
  });
});

describe('bibtexFor authors', () => {
  const read = (authors: string[]) => readBoth(bibtexFor(paper({ authors })));

  it('gives a suffix its place instead of making it the surname', () => {
    for (const entry of read(['Roberto M. Cesar Jr.', 'Martin Luther King, Jr.'])) {
      expect(entry.authors.map((a) => [a.family, a.suffix, a.given])).toEqual([
        ['Cesar', 'Jr.', 'Roberto M.'],
        ['King', 'Jr.', 'Martin Luther'],
      ]);
    }
  });

  it('braces organisations whole, so their last word is not a surname', () => {
    const [retorquere, citationJs] = read(['Xiaomi LLM-Core Team', 'The ATLAS Collaboration', 'Johnson and Johnson', 'Ai Chen']);
    expect(retorquere.authors.map((a) => a.literal || `${a.given}|${a.family}`)).toEqual([
      'Xiaomi LLM-Core Team',
      'The ATLAS Collaboration',
      'Johnson and Johnson',
      'Ai|Chen',
    ]);
    expect(citationJs.authors.map((a) => (a.given ? `${a.given}|${a.family}` : a.family || a.literal))).toEqual([
      'Xiaomi LLM-Core Team',
      'The ATLAS Collaboration',
      'Johnson and Johnson',
      'Ai|Chen',
    ]);
  });

  it('reads stray TeX in crawled names as text and decodes accents', () => {
    const bib = bibtexFor(paper({ authors: ['\\\\Ajinkya Umesh Mulik', 'Paul Erd\\H{o}s', 'José Müller', 'Łukasz Straße', 'Ludwig van Beethoven'] }));
    expect(bib).not.toMatch(/\\Ajinkya/);
    for (const entry of readBoth(bib)) {
      expect(entry.authors.map((a) => `${a.given}|${a.family}`)).toEqual([
        'Ajinkya Umesh|Mulik',
        'Paul|Erdős',
        'José|Müller',
        'Łukasz|Straße',
        'Ludwig|van Beethoven',
      ]);
    }
  });
});

describe('bibtexFor dates and fields', () => {
  it('dates a paper first listed years later by its id, not the later announcement', () => {
    const late = paper({ id: '2402.01555', submittedAt: null, announcedOn: '2025-10-24' });
    expect(publicationDate(late)).toBe('2024-02-29T00:00:00.000Z');
    const bib = bibtexFor(late);
    expect(bib).toMatch(/year = \{2024\},\n {2}month = feb,/);
    for (const entry of readBoth(bib)) expect(entry.fields.year).toBe('2024');
  });

  it('prefers version 1 and keeps a date inside the id month', () => {
    expect(publicationDate(paper({ id: '2407.00468', submittedAt: '2024-06-29T15:28:45Z' }))).toBe('2024-06-29T15:28:45.000Z');
    expect(publicationDate(paper({ submittedAt: '2026-01-01T00:00:00Z', versions: [{ version: 1, created: '2025-04-02T10:00:00Z' }] }))).toBe(
      '2025-04-02T10:00:00.000Z',
    );
    // A source that dated a later version (Hugging Face, for a few papers) is clamped to the id month.
    expect(publicationDate(paper({ id: '2401.00001', submittedAt: '2025-06-01T00:00:00Z' }))).toBe('2024-01-31T00:00:00.000Z');
    expect(publicationDate(paper({ id: 'hep-th/9901001', submittedAt: null }))).toBe('1999-01-31T00:00:00.000Z');
  });

  it('writes arXiv fields, a primaryClass only when the category is known, and a key from the surname', () => {
    const bib = bibtexFor(paper({ authors: ['Roberto M. Cesar Jr.'], title: 'The Large Model', doi: '10.1000/x_y' }));
    expect(bib).toMatch(/^@misc\{cesar2025large,/);
    expect(bib).toContain('eprint = {2504.17343}');
    expect(bib).toContain('archivePrefix = {arXiv}');
    expect(bib).toContain('primaryClass = {cs.CV}');
    expect(bib).toContain('doi = {10.1000/x_y}');
    expect(bibtexFor(paper({ categories: [] }))).not.toContain('primaryClass');
    const [retorquere] = readBoth(bib);
    expect(retorquere.fields).toMatchObject({ eprint: '2504.17343', archiveprefix: 'arXiv', primaryclass: 'cs.CV', url: 'https://arxiv.org/abs/2504.17343' });
  });
});

describe('bibtexFor on arbitrary text', () => {
  // Printable ASCII with every TeX special, some accents and spaces: what crawled titles and names are made of.
  const texish = fc.string({ unit: fc.constantFrom(...'aZ 09\\{}$%&#_~^,.-\'"éüß'.split(''), 'and', 'Jr.', 'Team', '\\emph{', '\\\\'), maxLength: 60 });

  it('always writes one entry both readers read, with every author and the arXiv fields', () => {
    fc.assert(
      fc.property(
        texish.filter((t) => /\S/.test(t)),
        fc.array(texish, { maxLength: 4 }),
        (title, authors) => {
          const p = paper({ title, authors });
          const bib = bibtexFor(p);
          const [retorquere, citationJs] = readBoth(bib);
          expect(retorquere.fields.eprint).toBe('2504.17343');
          expect(retorquere.authors.length).toBe(citationJs.authors.length);
          expect(bib.split('\n').at(-1)).toBe('}');
          for (const a of retorquere.authors) expect(authorWords(a).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });
});
