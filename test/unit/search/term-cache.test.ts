// The per-index cache of derived lists (tiers, bitmaps): a value is made once per index and term, and the oldest
// values are dropped once their total weight passes the bound, never the one just made.
import { describe, expect, it } from 'vitest';
import { buildLexicalIndex, DEFAULT_BM25 } from '../../../src/search/lexical/index.ts';
import { TermCache } from '../../../src/search/lexical/term-cache.ts';

const paper = (title: string) => ({ title, abstract: '', authors: [], categories: [] });

describe('TermCache', () => {
  it('makes a value once per index and term, and drops the oldest past its bound', () => {
    const a = buildLexicalIndex([paper('graph neural network')], DEFAULT_BM25);
    const b = buildLexicalIndex([paper('graph neural network')], DEFAULT_BM25);
    const made: string[] = [];
    const cache = new TermCache<number>(10, (value) => value);
    const get = (index: typeof a, name: string, term: number, weight: number) =>
      cache.get(index, term, () => {
        made.push(`${name}${term}`);
        return weight;
      });
    get(a, 'a', 0, 4);
    get(a, 'a', 0, 4);
    get(b, 'b', 0, 4);
    expect(made).toEqual(['a0', 'b0']);
    get(a, 'a', 1, 4);
    get(a, 'a', 2, 4); // 12 > 10: a0, the oldest, goes
    get(a, 'a', 1, 4);
    get(a, 'a', 0, 4);
    expect(made).toEqual(['a0', 'b0', 'a1', 'a2', 'a0']);
    // One value over the whole bound is kept: it is the one just asked for.
    expect(get(a, 'a', 3, 50)).toBe(50);
    get(a, 'a', 3, 50);
    expect(made.at(-1)).toBe('a3');
    expect(made.filter((m) => m === 'a3')).toHaveLength(1);
  });
});
