// Keyphrases per paper, derived from the corpus: the words and two-word phrases of a paper that are frequent in
// it and rare elsewhere (tf·idf over the lexical index's document frequencies, title words counted double,
// phrases preferred), shown in their original spelling. Used to fill ai_keywords where no source gave any.
import { documentFrequency, lookupTerm, type LexicalIndex } from './lexical/index.ts';
import { bigram, normalizeText, WORD_PATTERN, wordTerms } from './text/analyze.ts';

interface Candidate {
  surface: string;
  weight: number;
}

export function keyphrases(index: LexicalIndex, title: string, abstract: string, max = 5): string[] {
  const candidates = new Map<string, Candidate>();
  const n = Math.max(1, index.docCount);
  const add = (term: string, surface: string, boost: number) => {
    const id = lookupTerm(index, term);
    const df = id === undefined ? 1 : documentFrequency(index, id);
    if (df < 2) return; // a word no other paper uses is usually a name or a typo, not a topic
    const idf = Math.log(n / df);
    const c = candidates.get(term);
    if (c) c.weight += boost * idf;
    else candidates.set(term, { surface, weight: boost * idf });
  };
  for (const [text, boost] of [[title, 2], [abstract, 1]] as const) {
    let prev: { term: string; surface: string } | null = null;
    for (const m of normalizeText(text).matchAll(WORD_PATTERN)) {
      const { parts } = wordTerms(m[0]);
      // Only single-part, non-numeric words make readable phrases.
      if (parts.length !== 1 || /^\d/.test(m[0]) || m[0].length < 3) {
        prev = null;
        continue;
      }
      const term = parts[0];
      add(term, m[0], boost);
      if (prev) add(bigram(prev.term, term), `${prev.surface} ${m[0]}`, boost * 1.5);
      prev = { term, surface: m[0] };
    }
  }
  const ranked = [...candidates.entries()].sort((a, b) => b[1].weight - a[1].weight || (a[0] < b[0] ? -1 : 1));
  const chosen: string[] = [];
  const covered = new Set<string>();
  for (const [term, c] of ranked) {
    const words = term.split(' ');
    // Skip a word already inside a chosen phrase, and a phrase whose words were both chosen.
    if (words.every((w) => covered.has(w))) continue;
    chosen.push(c.surface);
    for (const w of words) covered.add(w);
    if (chosen.length === max) break;
  }
  return chosen;
}
