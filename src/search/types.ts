// The search contract other areas program against (pages, API, digests). Pure types, no I/O.

export type SearchMode = 'hybrid' | 'lexical' | 'semantic';
export type SearchSort = 'relevance' | 'date' | 'trending';

export interface SearchFilters {
  /** Any of these arXiv categories (e.g. cs.CL). */
  categories?: string[];
  /** Inclusive publication-year bounds (announcement day, else submission). */
  yearFrom?: number;
  yearTo?: number;
  /**
   * One author: a full name ("Yann LeCun", "LeCun, Yann", "Y. LeCun") matches that name as a unit, case, accents,
   * initials, hyphens and particles aside; a single word ("lecun") matches any author name containing it.
   */
  author?: string;
  /** Only these papers (arXiv ids without version): digests rank a period's papers. Unknown ids are ignored. */
  ids?: string[];
}

export interface SearchOptions {
  /** Hits to return (1…100, default 20). */
  limit?: number;
  /** Hits to skip, for pagination (default 0; at most 1000). */
  offset?: number;
  filters?: SearchFilters;
  sort?: SearchSort;
  mode?: SearchMode;
  /**
   * Search the spelling-corrected query when a correction is found (default true). false searches the query as
   * typed ("search instead for …"); the correction is still reported, with `applied: false`.
   */
  correctSpelling?: boolean;
  /**
   * 'any' (default): papers matching any query word are ranked. 'most': only papers containing every word of a one-
   * or two-word query and at least half the words of a longer one (digest interests).
   */
  match?: 'any' | 'most';
  /** Count the papers matching most of the query (SearchResult.matching); costs one pass over its words' postings. */
  countMatching?: boolean;
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
  /**
   * Number of papers matching any word of the query and the filters (for pagination; with sort=date or trending,
   * those matching most of its words); approximate above 10,000 in hybrid mode.
   */
  total: number;
  /**
   * With `countMatching`: the papers (within the filters) containing every word of a one- or two-word query and at
   * least half the words of a longer one, spelling corrected: the relevant papers, the ones sort=date and
   * sort=trending order. The total of a query without free words (filters only).
   */
  matching?: number;
  hits: SearchHit[];
  /** The query as understood (terms after parsing, of the corrected query when a correction was applied). */
  parsed: { terms: string[]; phrases: string[][] };
  /**
   * Set when the whole query is one arXiv identifier (any form: 2506.00338, arXiv:…v2, hep-th/9901001, an arxiv.org
   * abs/pdf/html URL, a Hugging Face or alphaXiv paper URL, the 10.48550/arXiv.… DOI). Stored: that paper is the
   * only hit (a page may redirect to it). Not stored: no hits; a page may offer to index it (POST /api/papers/index).
   */
  knownItem: KnownItem | null;
  /** The spelling correction found for the query, or null when every word is known (see SearchOptions.correctSpelling). */
  spelling: SpellingSuggestion | null;
  /** Author names the query typed as a unit, whose papers are ranked first ("Papers by NAME"). */
  authors: AuthorMatch[];
}

export interface KnownItem {
  /** The arXiv id the query names, without version (old-style ids as arXiv stores them: math/0101001). */
  id: string;
  /** The version the query named, or null. */
  version: number | null;
  stored: boolean;
}

export interface SpellingSuggestion {
  /** The query as typed. */
  original: string;
  /** The query with each misspelt word replaced: "Showing results for …". */
  corrected: string;
  /** true: the hits are for `corrected` (typed words some paper uses are searched too); false: for `original`. */
  applied: boolean;
  words: { from: string; to: string }[];
}

export interface AuthorMatch {
  /** The name as the papers write it (e.g. "Yann LeCun" for a typed "yann lecun" or "Y. LeCun"). */
  name: string;
  /** The words as typed. */
  typed: string;
  /** Papers signed by that name in the index (all of them, whatever the filters). */
  papers: number;
  /** A query listing exactly those papers, newest first: author:"NAME". */
  query: string;
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
