// Matches subscribers' topics against one period's papers. Categories match the papers' arXiv categories;
// free-text interests ("diffusion models") are ranked with BM25 over title and abstract, the title weighted
// higher. The index covers only the period (hundreds to a few thousand papers), so it is built per run in
// milliseconds, and every distinct topic is matched once however many subscribers share it. Pure: no I/O.
import type { DigestPaper } from './digest-content.ts';
import { bm25Idf } from '../search/lexical/index.ts';

const STOPWORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or that the their this to was were which with we our via using based towards toward new'.split(' '),
);
const K1 = 1.2;
const B = 0.75;
const TITLE_WEIGHT = 3;
/** Results kept per topic; more than any digest section shows. */
const MAX_MATCHES = 60;

/** Lower-case word stems: plural and common suffixes folded so "models" finds "model" and "diffusion" itself. */
export function tokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().normalize('NFKD').split(/[^a-z0-9]+/)) {
    if (raw.length < 2 || STOPWORDS.has(raw)) continue;
    out.push(stem(raw));
  }
  return out;
}

function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && w.endsWith('es') && /(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

export class TopicIndex {
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly lengths: number[] = [];
  private readonly avgLength: number;
  private readonly cache = new Map<string, DigestPaper[]>();

  constructor(private readonly papers: DigestPaper[]) {
    let total = 0;
    papers.forEach((p, doc) => {
      const counts = new Map<string, number>();
      for (const t of tokens(p.title)) counts.set(t, (counts.get(t) ?? 0) + TITLE_WEIGHT);
      for (const t of tokens(p.abstract)) counts.set(t, (counts.get(t) ?? 0) + 1);
      let length = 0;
      for (const [term, tf] of counts) {
        length += tf;
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, tf });
      }
      this.lengths.push(length);
      total += length;
    });
    this.avgLength = papers.length ? total / papers.length : 1;
  }

  /** Papers of an arXiv category, in trending order (the papers arrive sorted by trending). */
  category(category: string): DigestPaper[] {
    const key = `c:${category}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.papers.filter((p) => p.categories.includes(category)).slice(0, MAX_MATCHES);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /**
   * Best matches for a free-text interest. A paper must contain at least half of the interest's words (all of
   * them for two-word interests), so "diffusion models" does not return every paper that mentions a model.
   */
  interest(text: string): DigestPaper[] {
    const terms = [...new Set(tokens(text))];
    const key = `i:${terms.join(' ')}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const scores = new Map<number, { score: number; matched: number }>();
    const n = this.papers.length;
    for (const term of terms) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = bm25Idf(n, list.length);
      for (const { doc, tf } of list) {
        const norm = tf * (K1 + 1) / (tf + K1 * (1 - B + (B * this.lengths[doc]) / this.avgLength));
        const s = scores.get(doc) ?? { score: 0, matched: 0 };
        s.score += idf * norm;
        s.matched++;
        scores.set(doc, s);
      }
    }
    const needed = terms.length <= 2 ? terms.length : Math.ceil(terms.length / 2);
    const ranked = [...scores.entries()]
      .filter(([, s]) => s.matched >= needed)
      // Ties in relevance go to the more trending paper (lower index).
      .sort((a, b) => b[1].score - a[1].score || a[0] - b[0])
      .slice(0, MAX_MATCHES)
      .map(([doc]) => this.papers[doc]);
    this.cache.set(key, ranked);
    return ranked;
  }
}
