// Matches subscribers' topics against one period's papers. Categories match the papers' arXiv categories;
// free-text interests ("diffusion models") are ranked by the search service over the period's papers, so mail and
// /search agree on words, stems, spellings and author names (an interest "tumour" finds "tumor" papers; a misspelt
// interest is corrected as a search would be). Lexical ranking, most words required: a digest section lists papers
// that say what the reader asked for, the same whether or not the semantic side is ready. Every distinct interest
// is searched once, however many subscribers share it.
import type { SearchService } from '../search/types.ts';
import type { DigestPaper } from './digest-content.ts';

/** Results kept per topic; more than any digest section shows. */
const MAX_MATCHES = 60;

export class TopicIndex {
  private readonly categories = new Map<string, DigestPaper[]>();
  private readonly interests = new Map<string, Promise<DigestPaper[]>>();
  private readonly ready = new Map<string, DigestPaper[]>();

  /** `search` ranks the interests (see prepare); null: interests match nothing (categories only). */
  constructor(
    private readonly papers: DigestPaper[],
    private readonly search: SearchService | null,
  ) {}

  /**
   * Searches the interests not searched yet, all in one searchMany over the period's papers: lexical, and a paper
   * must contain every word of a one- or two-word interest and at least half the words of a longer one.
   */
  async prepare(interests: Iterable<string>): Promise<void> {
    const fresh = [...new Set(interests)].filter((i) => !this.interests.has(i));
    if (fresh.length) {
      const search = this.search;
      const byId = new Map(this.papers.map((p) => [p.id, p]));
      const results =
        search && this.papers.length
          ? search.searchMany(fresh, { mode: 'lexical', match: 'most', limit: MAX_MATCHES, filters: { ids: [...byId.keys()] } })
          : Promise.resolve(fresh.map(() => null));
      fresh.forEach((interest, i) => {
        const matches = results.then((r) => (r[i]?.hits ?? []).map((h) => byId.get(h.id)).filter((p): p is DigestPaper => p !== undefined));
        this.interests.set(interest, matches);
        void matches.then(
          (m) => this.ready.set(interest, m),
          () => this.interests.delete(interest),
        );
      });
    }
    await Promise.all([...new Set(interests)].map((i) => this.interests.get(i)));
  }

  /** Papers of an arXiv category, in trending order (the papers arrive sorted by trending). */
  category(category: string): DigestPaper[] {
    let hit = this.categories.get(category);
    if (!hit) {
      hit = this.papers.filter((p) => p.categories.includes(category)).slice(0, MAX_MATCHES);
      this.categories.set(category, hit);
    }
    return hit;
  }

  /** Best matches for a free-text interest, once prepared (none before). */
  interest(text: string): DigestPaper[] {
    return this.ready.get(text) ?? [];
  }
}
