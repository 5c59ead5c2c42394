// Fuzz: the search query language (src/search/query.ts) reads any text without failing, in bounded time and with a
// bounded result: at most MAX_QUERY_TERMS terms, filters that are well-formed, nothing longer than the input allows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_CHARS, MAX_QUERY_TERMS, parseQuery } from '../../src/search/query.ts';
import { bounded, HOSTILE_PIECES } from './bounds.ts';

const queryText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...HOSTILE_PIECES, 'author:', 'cat:', 'category:"', 'year:', 'year:2020-', '"', ' OR ', 'NEAR(', '*', '-'),
        fc.string({ maxLength: 12 }),
      ),
      { maxLength: 80 },
    )
    .map((parts) => parts.join(' ')),
  fc.string({ unit: 'grapheme', minLength: 15_000, maxLength: 25_000 }),
);

describe('search query parsing', () => {
  it('never throws, keeps its bounds and takes bounded time on any text', () => {
    fc.assert(
      fc.property(queryText, (raw) => {
        const parsed = bounded(
          raw,
          { ms: 2_000, perInputChar: 4, constant: 1_000 },
          () => parseQuery(raw),
          (p) => JSON.stringify([...p.terms.keys(), ...p.bigrams.keys(), p.phrases, p.filters]).length,
        );
        expect(parsed.terms.size).toBeLessThanOrEqual(MAX_QUERY_TERMS);
        expect(parsed.text.length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
        for (const c of parsed.filters.categories) expect(c).toMatch(/^[a-z-]+(\.[a-z-]+)?$/);
        if (parsed.filters.yearFrom !== undefined) expect(Number.isInteger(parsed.filters.yearFrom)).toBe(true);
        for (const term of parsed.terms.keys()) expect(term).not.toMatch(/[\u0000-\u001f]/);
      }),
      { numRuns: 400 },
    );
  });
});
