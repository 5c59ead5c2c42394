// Keyphrases and TL;DRs against what Hugging Face's language model wrote for the same papers: precision@5 of our
// keyphrases against `ai_keywords`, and ROUGE-1/2 of our one-sentence TL;DR against `ai_summary`, over the papers
// of ../shared/data that carry them, with the word and pair counts of the whole store (80,017 papers) as the
// corpus statistics. Baselines in the same run: the previous extractor (tf·idf of single words and adjacent word
// pairs, which produced fragments such as "derived entirely") for keyphrases; the abstract's first sentence, and
// the best sentence by ROUGE itself (an upper bound for any one-sentence extract), for TL;DRs.
//
// Matching (src/search/eval/keyphrase-match.ts): phrases compared as analysed terms (case, stemming, stopwords);
// "exact" = same terms in order, "overlap" = one inside the other with at least two terms on the shorter side.
// ROUGE: js-rouge's F1 over the same analysed terms (stopwords out, stemmed). Papers split by id hash as the
// paraphrase set is; choices were made on 'tune'.
//
//   npm run bench -- keyphrases [--split tune|held-out|both]
import { parseArgs } from 'node:util';
import { n as rougeN } from 'js-rouge';
import { buildLexicalIndex, type LexicalIndex } from '../src/search/lexical/index.ts';
import { indexStatistics, keyphrasesOf, type PhraseStatistics } from '../src/search/keyphrases.ts';
import { keyphrasePrecisionAt } from '../src/search/eval/keyphrase-match.ts';
import { knownItemSplit, type KnownItemSplit } from '../src/search/eval/known-item.ts';
import { bigram, normalizeText, terms, WORD_PATTERN, wordTerms } from '../src/search/text/analyze.ts';
import { readProse } from '../src/search/text/prose.ts';
import { extractiveTldr } from '../src/search/tldr.ts';
import { loadQualityData } from './quality-data.ts';

/** The extractor before noun phrases: words and adjacent pairs by tf·idf, title counted double, pairs × 1.5. */
function previousKeyphrases(stats: PhraseStatistics, title: string, abstract: string, max = 5): string[] {
  const candidates = new Map<string, { surface: string; weight: number }>();
  const add = (term: string, surface: string, boost: number) => {
    const df = stats.df(term) || 1;
    if (df < 2) return;
    const c = candidates.get(term);
    if (c) c.weight += boost * Math.log(stats.docCount / df);
    else candidates.set(term, { surface, weight: boost * Math.log(stats.docCount / df) });
  };
  for (const [text, boost] of [
    [title, 2],
    [abstract, 1],
  ] as const) {
    let prev: { term: string; surface: string } | null = null;
    for (const m of normalizeText(text).matchAll(WORD_PATTERN)) {
      const { parts } = wordTerms(m[0]);
      if (parts.length !== 1 || /^\d/.test(m[0]) || m[0].length < 3) {
        prev = null;
        continue;
      }
      add(parts[0], m[0], boost);
      if (prev) add(bigram(prev.term, parts[0]), `${prev.surface} ${m[0]}`, boost * 1.5);
      prev = { term: parts[0], surface: m[0] };
    }
  }
  const chosen: string[] = [];
  const covered = new Set<string>();
  for (const [term, c] of [...candidates].sort((a, b) => b[1].weight - a[1].weight || (a[0] < b[0] ? -1 : 1))) {
    const words = term.split(' ');
    if (words.every((w) => covered.has(w))) continue;
    chosen.push(c.surface);
    for (const w of words) covered.add(w);
    if (chosen.length === max) break;
  }
  return chosen;
}

const rouge = (candidate: string, reference: string, n: number) => rougeN(candidate, reference, { n, tokenizer: terms });

function mean(xs: number[]): string {
  return (xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(4);
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { split: { type: 'string', default: 'tune' } } });
  if (!['tune', 'held-out', 'both'].includes(values.split!)) throw new Error('--split is tune, held-out or both');
  const data = loadQualityData();
  let started = performance.now();
  const index: LexicalIndex = buildLexicalIndex(data.papers);
  const stats = indexStatistics(index);
  console.log(`${data.papers.length} papers indexed for word and pair counts in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const byId = new Map(data.papers.map((p) => [p.id, p]));
  const splits = (values.split === 'both' ? ['tune', 'held-out'] : [values.split]) as KnownItemSplit[];
  const rows: string[] = [];
  for (const split of splits) {
    const papers = [...data.hf.values()].filter((h) => knownItemSplit(h.id) === split && byId.get(h.id)?.abstract);
    const withKeywords = papers.filter((h) => h.aiKeywords.length);
    const measures: Record<string, { exact: number[]; overlap: number[]; ms: number }> = {};
    for (const [name, extract] of [
      ['previous (word and pair tf·idf)', (t: string, a: string) => previousKeyphrases(stats, t, a)],
      ['noun phrases (current)', (t: string, a: string) => keyphrasesOf(stats, readProse(t), readProse(a))],
    ] as const) {
      const m = (measures[name] = { exact: [] as number[], overlap: [] as number[], ms: 0 });
      started = performance.now();
      for (const h of withKeywords) {
        const p = byId.get(h.id)!;
        const k = extract(p.title, p.abstract);
        m.exact.push(keyphrasePrecisionAt(k, h.aiKeywords, 5, 'exact'));
        m.overlap.push(keyphrasePrecisionAt(k, h.aiKeywords, 5, 'overlap'));
      }
      m.ms = (performance.now() - started) / withKeywords.length;
      rows.push(
        `| keyphrases, ${split} (${withKeywords.length} papers) | ${name} | P@5 exact ${mean(m.exact)} | P@5 overlap ${mean(m.overlap)} | ${m.ms.toFixed(2)} ms a paper |`,
      );
    }
    const withSummary = papers.filter((h) => h.aiSummary);
    const tldr: Record<string, { r1: number[]; r2: number[] }> = {
      'first sentence': { r1: [], r2: [] },
      'extractive TL;DR (current)': { r1: [], r2: [] },
      'best sentence by ROUGE (bound)': { r1: [], r2: [] },
    };
    for (const h of withSummary) {
      const p = byId.get(h.id)!;
      const sentences = readProse(p.abstract);
      const summary = h.aiSummary!;
      const oracle =
        sentences.map((s) => s.text).sort((a, b) => rouge(b, summary, 1) + rouge(b, summary, 2) - rouge(a, summary, 1) - rouge(a, summary, 2))[0] ?? '';
      for (const [name, sentence] of [
        ['first sentence', sentences[0]?.text ?? ''],
        ['extractive TL;DR (current)', extractiveTldr(stats, p.title, sentences) ?? ''],
        ['best sentence by ROUGE (bound)', oracle],
      ] as const) {
        tldr[name].r1.push(rouge(sentence, summary, 1));
        tldr[name].r2.push(rouge(sentence, summary, 2));
      }
    }
    for (const [name, m] of Object.entries(tldr))
      rows.push(`| TL;DR, ${split} (${withSummary.length} papers) | ${name} | ROUGE-1 ${mean(m.r1)} | ROUGE-2 ${mean(m.r2)} | |`);
  }
  console.log('\n| set | method | | | cost |\n| --- | --- | --- | --- | --- |');
  console.log(rows.join('\n'));
  console.log(`\nreproduce: npm run bench -- keyphrases ${args.join(' ')}`.trimEnd());
}
