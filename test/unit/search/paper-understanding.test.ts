// Keyphrases, TL;DRs and the measures they are judged by. The corpus statistics here are a small hand-made table,
// so every expectation can be checked by reading it.
import { describe, expect, it } from 'vitest';
import { keyphraseMatches, keyphrasePrecisionAt } from '../../../src/search/eval/keyphrase-match.ts';
import { knownItemScores, knownItemSplit } from '../../../src/search/eval/known-item.ts';
import { keyphrases, type PhraseStatistics } from '../../../src/search/keyphrases.ts';
import { readProse } from '../../../src/search/text/prose.ts';
import { extractiveTldr } from '../../../src/search/tldr.ts';

/** 10,000 papers; these words and pairs are common, everything else occurs in 5 papers. */
const COMMON: Record<string, number> = {
  model: 4000,
  method: 3000,
  result: 3500,
  show: 3000,
  use: 3500,
  propos: 2500,
  larg: 2000,
  data: 2500,
  'larg languag': 900,
  languag: 1500,
};
const stats: PhraseStatistics = { docCount: 10_000, df: (t) => COMMON[t] ?? 5 };

describe('keyphrases', () => {
  const title = 'Speculative Decoding with Draft Trees';
  const abstract =
    'Large language models are slow at inference. We propose speculative decoding with draft trees, derived entirely from the target model. ' +
    'Draft trees verify many tokens at once; the method scans following tokens in parallel. Speculative decoding with draft trees doubles throughput.';

  it('are noun phrases a reader would accept: no verb or adverb fragments, no evaluative openers', () => {
    const k = keyphrases(stats, title, abstract);
    expect(k.length).toBe(5);
    expect(k).toContain('speculative decoding');
    expect(k).toContain('draft trees');
    for (const fragment of [/derived/, /entirely/, /scans/, /following tokens/]) expect(k.join(' | ')).not.toMatch(fragment);
    // No chosen phrase sits inside another.
    for (const a of k) for (const b of k) if (a !== b) expect(b.toLowerCase().includes(a.toLowerCase())).toBe(false);
  });

  it('keep names and acronyms as written and undo title case', () => {
    const k = keyphrases(
      stats,
      'Aha Moments in GPT-4o Reasoning',
      'We study aha moments of GPT-4o on reasoning benchmarks with LoRA adapters and LoRA merging.',
    );
    expect(k).toContain('aha moments');
    expect(k).toContain('GPT-4o');
    expect(k.some((p) => p.includes('LoRA'))).toBe(true);
  });
});

describe('extractive TL;DR', () => {
  it('picks the sentence that states the contribution, not the background opener', () => {
    const abstract = readProse(
      'Large language models have transformed natural language processing in recent years. ' +
        'However, inference remains slow for long outputs. ' +
        'We propose speculative decoding with draft trees, which verifies many drafted tokens in one pass of the target model. ' +
        'Experiments show a two-fold speedup.',
    );
    expect(extractiveTldr(stats, 'Speculative decoding with draft trees', abstract)).toBe(
      'We propose speculative decoding with draft trees, which verifies many drafted tokens in one pass of the target model.',
    );
  });

  it('gives nothing for an abstract without a real sentence', () => {
    expect(extractiveTldr(stats, 'A title', readProse('Code is available.'))).toBeNull();
    expect(extractiveTldr(stats, 'A title', [])).toBeNull();
  });
});

describe('keyphrase matching', () => {
  it('compares analysed terms: case, plurals and spelling folded; overlap needs two shared terms', () => {
    expect(keyphraseMatches('Vision Transformers', 'vision transformer', 'exact')).toBe(true);
    expect(keyphraseMatches('quantization error', 'W4A4 quantization error', 'exact')).toBe(false);
    expect(keyphraseMatches('quantization error', 'W4A4 quantization error', 'overlap')).toBe(true);
    expect(keyphraseMatches('W4A4 quantization error', 'quantization error', 'overlap')).toBe(true);
    expect(keyphraseMatches('model', 'model size', 'overlap')).toBe(false);
    expect(keyphraseMatches('error quantization', 'quantization error', 'overlap')).toBe(false);
  });

  it('precision@k counts k in the denominator', () => {
    expect(keyphrasePrecisionAt(['draft trees', 'tokens'], ['draft tree', 'speculative decoding'], 5, 'exact')).toBeCloseTo(0.2, 12);
    expect(keyphrasePrecisionAt(['a b', 'c d', 'e f', 'g h', 'i j', 'k l'], ['k l'], 5, 'exact')).toBe(0);
  });
});

describe('known-item sets', () => {
  it('split papers into halves by id alone, about evenly', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `25${String(i).padStart(2, '0')}.${String(i * 7).padStart(5, '0')}`);
    const tune = ids.filter((id) => knownItemSplit(id) === 'tune').length;
    expect(tune).toBeGreaterThan(900);
    expect(tune).toBeLessThan(1100);
    expect(ids.map(knownItemSplit)).toEqual(ids.map(knownItemSplit));
  });

  it('score MRR@10 and recall@10 of the one right paper', () => {
    const ranked: Record<string, string[]> = { q1: ['x', 'a'], q2: ['b'], q3: Array.from({ length: 11 }, (_, i) => (i === 10 ? 'c' : `n${i}`)) };
    const scores = knownItemScores(
      [
        { target: 'a', text: 'q1' },
        { target: 'b', text: 'q2' },
        { target: 'c', text: 'q3' },
      ],
      (q) => ranked[q],
    );
    expect(scores).toEqual({ mrr10: (0.5 + 1 + 0) / 3, recall10: 2 / 3, queries: 3 });
  });
});
