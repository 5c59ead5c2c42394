// SearchService over the system of record: a per-process in-memory engine derived from the papers table
// (SQLite or PostgreSQL alike), rebuilt when papers change (papers.modified_at / count), with vectors and the
// ANN graph cached under <data dir>/search. Lexical search is available as soon as the lexical index is built;
// the semantic side joins when the embedder and vectors are ready. With `buildWorker` set (serve), builds run in a
// worker thread (worker-build.ts) so the app keeps answering while they run.
import type { Config } from '../config.ts';
import type { ConnectOptions, Database } from '../db/connect.ts';
import { attentionSignals, papersByIds, papersVersion, streamIndexablePapers, type IndexablePaper } from '../db/search.ts';
import { SearchEngine, type RankedDocs, type RelatedTerms } from './engine.ts';
import { storedIdForms, tryParseArxivId } from '../domain/arxiv-id.ts';
import { highlight, snippet } from './highlight.ts';
import { parsePersonName } from './names/person-name.ts';
import { signsAs } from './names/query-names.ts';
import { mostWordsMask, planQuery, rankPlan, type QueryPlan } from './pipeline.ts';
import { type Embedder, paperText } from './semantic/embedder.ts';
import { attachVectors, loadEmbedder } from './semantic/prepare.ts';
import { startWorkerBuild, type WorkerBuild, type WorkerBuildRequest } from './worker-build.ts';
import type { AuthorMatch, HighlightPart, KnownItem, SearchHit, SearchOptions, SearchResult, SearchService, SimilarHit } from './types.ts';

export type { SearchService, SearchOptions, SearchResult, SearchHit, SimilarHit, HighlightPart, KnownItem, SpellingSuggestion, AuthorMatch } from './types.ts';

export interface SearchServiceOptions {
  dataDir: string;
  /** 'corpus' (default), 'onnx' (needs onnxModelDir) or 'none' (lexical only). */
  embedder: 'corpus' | 'onnx' | 'none';
  onnxModelDir?: string;
  onnxAllowRemote?: boolean;
  /** How often (at most) a query checks the papers table for changes. */
  refreshIntervalMs: number;
  /** Minimum time between two rebuilds once an index exists (imports change papers continuously). */
  minRebuildIntervalMs: number;
  /** Train the corpus embedder when no saved model exists (the CLI `index` does it eagerly). */
  trainIfMissing: boolean;
  log?: (message: string) => void;
  /**
   * Build snapshots in a worker thread that opens its own connection with these options (the same store as
   * `database`), keeping this thread's event loop free. Unset: build in this thread (CLI `index`, eval, tests).
   */
  buildWorker?: ConnectOptions;
  /** Tests only: passed to the build worker to make it fail after the lexical index. */
  buildWorkerFault?: WorkerBuildRequest['fault'];
}

const MAX_LIMIT = 100;
const MAX_OFFSET = 1_000;
/** Relevance candidates re-sorted for sort=date / sort=trending. */
const RESORT_POOL = 1_000;

interface Snapshot {
  engine: SearchEngine;
  version: string;
}

export class DatabaseSearchService implements SearchService {
  private snapshot: Snapshot | null = null;
  private building: Promise<void> | null = null;
  private checkedAt = 0;
  private builtAt = 0;
  embedder: Embedder | null = null;
  private embedderPromise: Promise<Embedder | null> | null = null;
  private worker: WorkerBuild | null = null;
  private closed = false;
  private onnxNoticeShown = false;

  private markLexicalReady: () => void = () => {};
  private readonly lexicalReady = new Promise<void>((resolve) => (this.markLexicalReady = resolve));

  constructor(
    readonly database: Database,
    readonly options: SearchServiceOptions,
  ) {}

  /** The current engine, building it on first use. */
  async engine(): Promise<SearchEngine> {
    if (!this.snapshot) {
      // The first build answers as soon as the lexical index exists; vectors join when embedded.
      await Promise.race([this.refresh(), this.lexicalReady]);
      if (!this.snapshot) throw new Error('search index unavailable (the service is closed)');
    } else if (Date.now() - this.checkedAt > this.options.refreshIntervalMs) {
      this.checkedAt = Date.now();
      // Check and rebuild in the background; queries keep using the current snapshot meanwhile.
      void this.update(false).catch((e) => this.options.log?.(`search refresh failed: ${(e as Error).message}`));
    }
    return this.snapshot!.engine;
  }

  /** Brings the index up to date now (the background check after queries is throttled instead). */
  refresh(): Promise<void> {
    return this.update(true);
  }

  /** Rebuilds when papers changed since the current snapshot; unless forced, no more often than minRebuildIntervalMs. */
  private async update(force: boolean): Promise<void> {
    if (this.building) return this.building;
    if (this.closed) return;
    this.building = (async () => {
      try {
        const v = await papersVersion(this.database);
        const version = `${v.count}|${v.lastModified}`;
        this.checkedAt = Date.now();
        if (this.snapshot && this.snapshot.version === version) return;
        if (!force && this.snapshot && Date.now() - this.builtAt < this.options.minRebuildIntervalMs) return;
        await this.rebuild(version);
        this.builtAt = Date.now();
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  private rebuild(version: string): Promise<void> {
    const { buildWorker, embedder } = this.options;
    if (buildWorker && embedder === 'onnx' && !this.onnxNoticeShown) {
      this.onnxNoticeShown = true;
      this.options.log?.('search: EMBEDDER=onnx builds the index in the app thread (onnxruntime-node loads in one thread per process only)');
    }
    return buildWorker && embedder !== 'onnx' ? this.rebuildInWorker(version, buildWorker) : this.rebuildInProcess(version);
  }

  /**
   * The build runs in a worker thread; this thread only reassembles what it posts (typed arrays moved, not copied).
   * On any worker error or crash the promise rejects and the current snapshot keeps answering; the next refresh retries.
   */
  private async rebuildInWorker(version: string, connection: ConnectOptions): Promise<void> {
    if (this.closed) throw new Error('search service is closed');
    const o = this.options;
    const request: WorkerBuildRequest = {
      connection,
      embedder: { dataDir: o.dataDir, embedder: o.embedder, onnxModelDir: o.onnxModelDir, onnxAllowRemote: o.onnxAllowRemote, trainIfMissing: o.trainIfMissing },
      fault: o.buildWorkerFault,
    };
    const build = startWorkerBuild(request, {
      log: o.log,
      onLexical: (engine) => {
        if (this.snapshot) return;
        // Nothing to answer from yet: serve lexical results while the worker trains the embedder and embeds.
        this.snapshot = { engine, version: '' };
        this.markLexicalReady();
      },
    });
    this.worker = build;
    try {
      const { engine, semantic } = await build.done;
      const embedder = semantic ? await this.queryEmbedder(semantic.embedderId) : null;
      if (semantic && embedder) {
        engine.vectors = semantic.vectors;
        engine.vectorIndex = semantic.vectorIndex;
        this.embedder = embedder;
        this.embedderPromise = Promise.resolve(embedder);
      }
      this.snapshot = { engine, version };
    } catch (e) {
      if (!this.closed) o.log?.(`search: index build failed (${(e as Error).message}); still answering from the previous index`);
      throw e;
    } finally {
      this.worker = null;
    }
  }

  /** The embedder for queries, matching the one the worker embedded papers with (loaded from what it saved). */
  private async queryEmbedder(id: string): Promise<Embedder | null> {
    if (this.embedder?.id === id) return this.embedder;
    let loaded: Embedder | null = null;
    try {
      loaded = await loadEmbedder({ ...this.options, trainIfMissing: false, retrain: false }, []);
    } catch (e) {
      this.options.log?.(`search: embedder unavailable (${(e as Error).message}); lexical only`);
    }
    if (loaded?.id !== id) {
      this.options.log?.(`search: the saved embedder is not the one the papers were embedded with (${loaded?.id ?? 'none'}, not ${id}); lexical only until the next build`);
      return null;
    }
    return loaded;
  }

  /** Stops a running build worker and any later build (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
  }

  private async rebuildInProcess(version: string): Promise<void> {
    const started = Date.now();
    const papers: IndexablePaper[] = [];
    for await (const page of streamIndexablePapers(this.database, null)) for (const p of page) if (!p.hidden) papers.push(p);
    const engine = SearchEngine.build(papers.map((p) => ({ ...p, abstract: p.abstract })));
    this.options.log?.(`search: lexical index over ${papers.length} papers in ${Date.now() - started} ms`);
    if (!this.snapshot) {
      // Nothing to answer from yet: serve lexical results while the embedder trains and papers are embedded.
      this.snapshot = { engine, version: '' };
      this.markLexicalReady();
    }
    const embedder = await this.loadEmbedder(papers);
    if (embedder) {
      await attachVectors(engine, embedder, papers, this.options.dataDir, this.options.log);
    }
    this.snapshot = { engine, version };
  }

  private async loadEmbedder(papers: IndexablePaper[]): Promise<Embedder | null> {
    if (this.options.embedder === 'none') return null;
    if (!this.embedderPromise || (this.embedder === null && this.options.trainIfMissing)) {
      this.embedderPromise = loadEmbedder(this.options, papers.map((p) => paperText(p.title, p.abstract))).catch((e) => {
        this.options.log?.(`search: embedder unavailable (${(e as Error).message}); lexical only`);
        return null;
      });
    }
    this.embedder = await this.embedderPromise;
    return this.embedder;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const [result] = await this.searchMany([query], options);
    return result;
  }

  async searchMany(queries: string[], options: SearchOptions = {}): Promise<SearchResult[]> {
    const engine = await this.engine();
    const limit = clampInt(options.limit, 1, MAX_LIMIT, 20);
    const offset = clampInt(options.offset, 0, MAX_OFFSET, 0);
    const mode = options.mode ?? 'hybrid';
    const sort = options.sort ?? 'relevance';
    const within = options.filters?.ids ? docsOf(engine, options.filters.ids) : null;
    const out: SearchResult[] = [];
    for (const query of queries) {
      const text = typeof query === 'string' ? query : '';
      const known = await this.knownItem(text, offset);
      if (known) {
        out.push(known);
        continue;
      }
      const plan = planQuery(engine, text, options.filters ?? {}, options.correctSpelling !== false, options.match !== 'most');
      const parsed = plan.parsed;
      const wantVector = mode !== 'lexical' && this.embedder && engine.vectors && parsed.text;
      const qv = wantVector ? (await this.embedder!.embed([parsed.text]))[0] : null;
      const k = sort === 'relevance' ? offset + limit : RESORT_POOL;
      const scope = options.match === 'most' ? mostWordsMask(engine, parsed, within) : within;
      let ranked = rankPlan(engine, plan, mode, k, qv, this.relatedTerms(), scope);
      if (sort !== 'relevance') ranked = await this.resort(engine, ranked, sort);
      out.push(await this.hits(engine, plan, ranked, offset, limit));
    }
    return out;
  }

  /**
   * The result for a query that is one arXiv identifier: the stored paper as the only hit, or no hits and
   * `stored: false`. Read from the papers table, so a paper stored since the index was built is found at once.
   */
  private async knownItem(query: string, offset: number): Promise<SearchResult | null> {
    const ref = tryParseArxivId(query);
    if (!ref) return null;
    const forms = storedIdForms(ref);
    const rows = await papersByIds(this.database, forms);
    const row = forms.map((id) => rows.find((r) => r.id === id)).find((r) => r !== undefined);
    const knownItem: KnownItem = { id: row?.id ?? forms[0], version: ref.version, stored: row !== undefined };
    const none = new Set<string>();
    const hits: SearchHit[] = row && offset === 0
      ? [{ id: row.id, score: 1, parts: {}, highlights: { title: highlight(row.title, none), summary: highlight(row.abstract, none) }, snippet: snippet(row.abstract, none) }]
      : [];
    return { total: row ? 1 : 0, hits, parsed: { terms: [], phrases: [] }, knownItem, spelling: null, authors: [] };
  }

  /** The embedder's related words for the hybrid rerank, when it has word neighbours (the corpus model does). */
  private relatedTerms(): RelatedTerms | undefined {
    const embedder = this.embedder;
    return embedder?.relatedTerms ? (term) => embedder.relatedTerms!(term) : undefined;
  }

  /** Re-sorts relevance candidates by date (newest first) or by trending attention. */
  private async resort(engine: SearchEngine, ranked: RankedDocs, sort: 'date' | 'trending'): Promise<RankedDocs> {
    const idx = ranked.docs.map((_, i) => i);
    if (sort === 'date') {
      idx.sort((a, b) => engine.days[ranked.docs[b]] - engine.days[ranked.docs[a]] || a - b);
    } else {
      const signals = await attentionSignals(this.database, ranked.docs.map((d) => engine.ids.id(d)));
      const now = Math.max(0, ...ranked.docs.map((d) => engine.days[d]));
      const heat = ranked.docs.map((d) => {
        const s = signals.get(engine.ids.id(d));
        const attention = s ? s.upvotes + 2 * s.comments + Math.log10(1 + (s.stars ?? 0)) : 0;
        const age = engine.days[d] >= 0 ? now - engine.days[d] : 365;
        return attention / Math.pow(age + 1, 1.5);
      });
      idx.sort((a, b) => heat[b] - heat[a] || a - b);
    }
    return {
      docs: idx.map((i) => ranked.docs[i]),
      scores: idx.map((i) => ranked.scores[i]),
      lexical: idx.map((i) => ranked.lexical[i]),
      semantic: idx.map((i) => ranked.semantic[i]),
      total: ranked.total,
    };
  }

  private async hits(engine: SearchEngine, plan: QueryPlan, ranked: RankedDocs, offset: number, limit: number): Promise<SearchResult> {
    const { parsed, correction } = plan;
    const page = ranked.docs.slice(offset, offset + limit);
    const rows = await papersByIds(this.database, page.map((d) => engine.ids.id(d)));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const wanted = new Set(parsed.terms.keys());
    const hits: SearchHit[] = [];
    page.forEach((d, j) => {
      const i = offset + j;
      const row = byId.get(engine.ids.id(d));
      if (!row) return; // hidden or deleted since the index was built
      hits.push({
        id: row.id,
        score: ranked.scores[i],
        parts: { lexical: ranked.lexical[i], semantic: ranked.semantic[i] },
        highlights: { title: highlight(row.title, wanted), summary: highlight(row.abstract, wanted) },
        snippet: snippet(row.abstract, wanted),
      });
    });
    return {
      total: ranked.total,
      hits,
      parsed: { terms: [...parsed.terms.keys()], phrases: parsed.phraseTerms },
      knownItem: null,
      spelling: correction && { original: correction.original, corrected: correction.corrected, applied: plan.correctionApplied, words: correction.words.map(({ from, to }) => ({ from, to })) },
      authors: await this.authorMatches(engine, plan),
    };
  }

  /**
   * Each typed author name with the name as the papers write it (the commonest form among its newest papers, full
   * given names before initials) and the number of papers it signs.
   */
  private async authorMatches(engine: SearchEngine, plan: QueryPlan): Promise<AuthorMatch[]> {
    if (!plan.names.length) return [];
    const newest = plan.names.map((n) => Array.from(n.docs.slice(-5), (d) => engine.ids.id(d)));
    const rows = await papersByIds(this.database, newest.flat());
    return plan.names.map((n, i) => {
      const forms = new Map<string, number>();
      for (const row of rows) {
        if (!newest[i].includes(row.id)) continue;
        for (const author of safeNames(row.authors)) if (signsAs(author, n)) forms.set(author, (forms.get(author) ?? 0) + 1);
      }
      const full = (name: string) => (parsePersonName(name)?.given.some((g) => g.length > 1) ? 1 : 0);
      const name = [...forms].sort((a, b) => full(b[0]) - full(a[0]) || b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? n.text;
      return { name, typed: n.text, papers: n.docs.length, query: `author:"${name.replace(/"/g, '')}"` };
    });
  }

  /**
   * Similar papers only if the index is already built; otherwise starts building it in the background and
   * answers null at once (a paper page must not wait for a cold index).
   */
  similarIfReady(id: string, k = 10): Promise<SimilarHit[]> | null {
    if (!this.snapshot) {
      void this.update(false).catch((e) => this.options.log?.(`search build failed: ${(e as Error).message}`));
      return null;
    }
    return this.similar(id, k);
  }

  async similar(id: string, k = 10): Promise<SimilarHit[]> {
    const engine = await this.engine();
    return engine.similar(String(id), clampInt(k, 1, MAX_LIMIT, 10));
  }
}

/** A document filter for the given paper ids (ids not in the snapshot are ignored). */
function docsOf(engine: SearchEngine, ids: readonly string[]): Uint8Array {
  const mask = new Uint8Array(engine.docCount);
  for (const id of ids) {
    const d = engine.ids.doc(String(id));
    if (d !== undefined) mask[d] = 1;
  }
  return mask;
}

function safeNames(json: string | undefined): string[] {
  try {
    const v = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

function clampInt(v: unknown, min: number, max: number, fallback: number): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(n)));
}

export function serviceOptionsFromConfig(config: Config, overrides: Partial<SearchServiceOptions> = {}): SearchServiceOptions {
  return {
    dataDir: config.dataDir,
    embedder: config.EMBEDDER,
    onnxModelDir: config.ONNX_MODEL_DIR,
    onnxAllowRemote: false,
    refreshIntervalMs: 30_000,
    minRebuildIntervalMs: config.SEARCH_REBUILD_SECONDS * 1000,
    trainIfMissing: true,
    ...overrides,
  };
}

/** How a build worker reaches the configured store: the same settings `openDatabase` connects with. */
export function workerConnection(config: Config): ConnectOptions {
  return { databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath };
}

const services = new WeakMap<Database, DatabaseSearchService>();

/**
 * The per-process search service for a store (one index per database handle). `overrides` apply when this call
 * creates it: serve creates it first with `buildWorker`, so the routes' later calls get the same service.
 */
export function getSearchService(
  ctx: { config: Config; database: Database; logger?: { info(msg: string): void } },
  overrides: Partial<SearchServiceOptions> = {},
): DatabaseSearchService {
  let s = services.get(ctx.database);
  if (!s) {
    s = new DatabaseSearchService(ctx.database, serviceOptionsFromConfig(ctx.config, { log: ctx.logger ? (m) => ctx.logger!.info(m) : undefined, ...overrides }));
    services.set(ctx.database, s);
  }
  return s;
}

