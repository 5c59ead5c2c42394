// Known-item evaluation: each query has exactly one right paper (a paraphrase of it, or its title), so quality is
// how high that paper ranks: MRR@10 and recall@10. Used by the search-quality benchmark on the real papers.
import { mrrAt, recallAt } from './metrics.ts';

export interface KnownItemQuery {
  /** The paper the query must find. */
  target: string;
  text: string;
}

export interface KnownItemScores {
  mrr10: number;
  recall10: number;
  queries: number;
}

export function knownItemScores(queries: KnownItemQuery[], rank: (text: string) => string[]): KnownItemScores {
  let mrr = 0;
  let recall = 0;
  for (const q of queries) {
    const ranked = rank(q.text);
    const relevant = new Map([[q.target, 1]]);
    mrr += mrrAt(ranked, relevant, 10);
    recall += recallAt(ranked, relevant, 10);
  }
  const n = queries.length;
  return { mrr10: n ? mrr / n : 0, recall10: n ? recall / n : 0, queries: n };
}

export type KnownItemSplit = 'tune' | 'held-out';

/**
 * Which half of a known-item set a paper's query falls in, from a hash of its id alone: the same paper is in the
 * same half on every run and whatever else the set holds. Choices are made on 'tune'; 'held-out' only reports.
 */
export function knownItemSplit(id: string): KnownItemSplit {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 2 === 0 ? 'tune' : 'held-out';
}
