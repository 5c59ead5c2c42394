// The search contract other areas program against (pages, API, digests). Pure types, no I/O.

export type SearchMode = 'hybrid' | 'lexical' | 'semantic';
export type SearchSort = 'relevance' | 'date' | 'trending';

export interface SearchFilters {
  /** Any of these arXiv categories (e.g. cs.CL). */
  categories?: string[];
  /** Inclusive publication-year bounds (announcement day, else submission). */
  yearFrom?: number;
  yearTo?: number;
  /** Case- and accent-insensitive match on one author's name (all given words must appear in one name). */
  author?: string;
}

export interface SearchOptions {
  /** Hits to return (1…100, default 20). */
  limit?: number;
  /** Hits to skip, for pagination (default 0; at most 1000). */
  offset?: number;
  filters?: SearchFilters;
  sort?: SearchSort;
  mode?: SearchMode;
}

/** One piece of a highlighted field, shaped like Hugging Face's `highlightedTitle` / `highlightedSummary`. */
export interface HighlightPart {
  type: 'text' | 'highlight';
  text: string;
}

export interface SearchHit {
  /** arXiv id without version. */
  id: string;
  /** The score the hits are ordered by (for sort=relevance); higher is better. */
  score: number;
  /** The components the score came from: BM25F and cosine similarity (undefined when that side was not used). */
  parts: { lexical?: number; semantic?: number };
  highlights: { title: HighlightPart[]; summary: HighlightPart[] };
  /** A short plain-text excerpt of the abstract around the best match (≤ ~240 characters). */
  snippet: string;
}

export interface SearchResult {
  /** Number of papers matching the query and filters (for pagination); approximate above 10,000 in hybrid mode. */
  total: number;
  hits: SearchHit[];
  /** The query as understood (terms after parsing), for "did you mean"-style UIs and debugging. */
  parsed: { terms: string[]; phrases: string[][] };
}

export interface SimilarHit {
  id: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

export interface SearchService {
  /** Ranked papers for a free-text query. Never throws on odd input: garbage in gives an empty result. */
  search(query: string, options?: SearchOptions): Promise<SearchResult>;
  /** Several queries at once (digest topics): same results as calling search() for each, sharing one index refresh. */
  searchMany(queries: string[], options?: SearchOptions): Promise<SearchResult[]>;
  /** The k papers closest in meaning to a stored paper (itself excluded); [] for an unknown id. */
  similar(id: string, k?: number): Promise<SimilarHit[]>;
  /** Brings the in-memory index up to date with the papers table (cheap when nothing changed). */
  refresh(): Promise<void>;
}
