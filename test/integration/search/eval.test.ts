// Evaluation end to end: BEIR files → throwaway store → SearchService → metrics, on a tiny fixture whose
// answers are worked out by hand, and through the CLI. The SciFact quality gate is `npm run quality`
// (test/quality/scifact.test.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main.ts';
import { readBeir } from '../../../src/search/eval/beir.ts';
import { evaluateBeir } from '../../../src/search/eval/evaluate.ts';
import { evaluateRun, mrrAt, ndcgAt, recallAt } from '../../../src/search/eval/metrics.ts';
import { captureOutput } from '../../helpers/capture.ts';

const TINY = path.resolve(import.meta.dirname, '../../fixtures/beir-tiny');

describe('metrics', () => {
  it('nDCG, recall and MRR match hand-computed values', () => {
    const rel = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    // ranks: b at 2, a at 3. DCG = 2/log2(3) + 1/log2(4); IDCG = 2/1 + 1/log2(3)
    const expected = (2 / Math.log2(3) + 1 / 2) / (2 + 1 / Math.log2(3));
    expect(ndcgAt(['x', 'b', 'a'], rel, 10)).toBeCloseTo(expected, 12);
    expect(recallAt(['x', 'b'], rel, 100)).toBe(0.5);
    expect(mrrAt(['x', 'y', 'a'], rel, 10)).toBeCloseTo(1 / 3, 12);
    expect(mrrAt(['x'], rel, 10)).toBe(0);
    const run = new Map([['q', ['b', 'a']]]);
    expect(evaluateRun(run, new Map([['q', rel]])).ndcg10).toBe(1);
  });
});

describe('evaluateBeir on a tiny fixture', () => {
  it('finds the relevant paper first for the three answerable queries', async () => {
    const dataset = readBeir(TINY);
    const [report] = await evaluateBeir(dataset, { modes: ['lexical'], embedder: 'none' });
    expect(report.mode).toBe('lexical');
    expect(report.scores.queries).toBe(4);
    expect(report.scores.ndcg10).toBeCloseTo(0.75, 12);
    expect(report.scores.mrr10).toBeCloseTo(0.75, 12);
  });

  it('paperfeed eval prints the table; bad arguments exit 2', async () => {
    const out = captureOutput();
    const err = captureOutput();
    const io = { stdout: out.stream, stderr: err.stream, env: {} };
    expect(await main(['eval', TINY, '--mode', 'lexical'], io)).toBe(0);
    expect(out.text()).toMatch(/lexical\s+0\.7500/);
    expect(await main(['eval', TINY, '--mode', 'nope'], io)).toBe(2);
    expect(await main(['eval', path.join(TINY, 'missing')], io)).toBe(2);
    expect(await main(['eval'], io)).toBe(2);
  });
});
