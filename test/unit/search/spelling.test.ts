import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineCollection } from '../../../src/search/collection.ts';
import { SearchEngine, type EngineDoc } from '../../../src/search/engine.ts';
import { planQuery, rankPlan } from '../../../src/search/pipeline.ts';
import { buildSpellingData, SpellingDictionary } from '../../../src/search/spelling/dictionary.ts';
import { editDistance } from '../../../src/search/spelling/edit-distance.ts';

/** Plain dynamic-programming optimal string alignment distance, the reference for the early-exit version. */
function referenceDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

describe('edit distance', () => {
  it('counts a swap of two letters as one edit', () => {
    expect(editDistance('retreival', 'retrieval', 2)).toBe(1);
    expect(editDistance('tranformer', 'transformer', 2)).toBe(1);
    expect(editDistance('generaton', 'generation', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 2)).toBe(3);
  });

  it('agrees with the full table up to the cut-off', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        expect(editDistance(a, b, max)).toBe(Math.min(referenceDistance(a, b), max + 1));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('spelling dictionary', () => {
  const words = ['transformer', 'transformers', 'retrieval', 'generation', 'generator', 'augmented', 'shape', 'diffusion'];
  const dictionary = new SpellingDictionary(buildSpellingData(words.map((word, i) => ({ word, df: 100 - i }))));

  it('finds every word within two edits, closest then most frequent first', () => {
    expect(dictionary.suggestions('tranformer').map((s) => s.word)).toEqual(['transformer', 'transformers']);
    expect(dictionary.suggestions('generaton')[0]).toEqual({ word: 'generation', df: 97, distance: 1 });
    expect(dictionary.suggestions('zzzzzz')).toEqual([]);
  });

  it('finds the same words as comparing against every word', () => {
    const all = new SpellingDictionary(
      buildSpellingData(['alpha', 'alphabet', 'alpine', 'aleph', 'lapha', 'alphas', 'dolphin'].map((word) => ({ word, df: 5 }))),
    );
    const typed = fc.string({ unit: fc.constantFrom('a', 'l', 'p', 'h', 'e', 'i', 'n', 's'), minLength: 4, maxLength: 9 });
    fc.assert(
      fc.property(typed, (w) => {
        const expected = ['alpha', 'alphabet', 'alpine', 'aleph', 'lapha', 'alphas', 'dolphin'].filter((d) => referenceDistance(w, d) <= 2).sort();
        expect(
          all
            .suggestions(w)
            .map((s) => s.word)
            .sort(),
        ).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

/** A corpus where the usual words are common and some paper misspells one. */
function corpus(): EngineDoc[] {
  const docs: EngineDoc[] = [];
  const add = (title: string, abstract: string) => docs.push({ id: `p${docs.length}`, title, abstract, authors: [], categories: ['cs.CL'], day: '2025-01-01' });
  for (let i = 0; i < 300; i++) {
    add(`Transformer models ${i}`, 'Retrieval augmented generation grounds a transformer in retrieved text with attention.');
    add(`Shape analysis ${i}`, 'Real-time video segmentation of shape and motion.');
  }
  for (let i = 0; i < 40; i++) add(`Mamba state spaces ${i}`, 'Selective state space models such as Mamba; LoRA adapters; SHAP values explain features.');
  add('A tranformer typo', 'One paper misspells the word.');
  add('Tractor routing', 'Farm tractor paths; the factor graph is unrelated.');
  return docs;
}

describe('spelling correction in queries', () => {
  const engine = SearchEngine.build(corpus());
  const collection = engineCollection(engine);
  const plan = (q: string, correct = true) => planQuery(collection, q, {}, correct);

  it('corrects words the corpus does not know, or knows far less than a close word', () => {
    expect(plan('tranformer').correction).toMatchObject({
      original: 'tranformer',
      corrected: 'transformer',
      words: [{ from: 'tranformer', to: 'transformer' }],
    });
    expect(plan('retreival augmented generaton').correction?.corrected).toBe('retrieval augmented generation');
    expect(plan('Retreival').correction?.corrected).toBe('Retrieval');
  });

  it('searches the corrected query, keeping a typed word some paper uses', () => {
    const p = plan('tranformer');
    expect(p.correctionApplied).toBe(true);
    expect([...p.parsed.terms.keys()]).toEqual(['transform', 'tranform']);
    const top = rankPlan(collection, p, 'lexical', 3, null).docs.map((d) => engine.ids.id(d));
    expect(top).toHaveLength(3);
    // The correction leads: the one paper with the typo comes after every paper that says "transformer", but is found.
    const all = rankPlan(collection, p, 'lexical', 1000, null).docs.map((d) => engine.ids.id(d));
    expect(all.indexOf('p640')).toBe(300);
    expect(engine.ids.id(rankPlan(collection, plan('tranformer', false), 'lexical', 1, null).docs[0])).toBe('p640');
    // Told not to correct, the query is searched as typed and the suggestion is still there.
    const asTyped = plan('tranformer', false);
    expect(asTyped.correctionApplied).toBe(false);
    expect(asTyped.correction?.corrected).toBe('transformer');
    expect([...asTyped.parsed.terms.keys()]).toEqual(['tranform']);
  });

  it('never corrects method names, acronyms, numbers, ids, quoted phrases or author: values', () => {
    for (const q of ['Mamba', 'mamba', 'LoRA', 'lora', 'SHAP', 'shap', 'GPT-4', '2506.00338', '"tranformer"', 'author:tranformer', 'year:2024', 'tractor']) {
      expect(plan(q).correction, q).toBeNull();
    }
  });

  it('leaves words that are correct alone', () => {
    expect(plan('transformer retrieval generation shape').correction).toBeNull();
  });
});
