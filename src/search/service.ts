// SearchService over the system of record (SQLite or PostgreSQL alike): the index's stored segments, loaded from
// the snapshot under <data dir>/search/index (snapshot.ts), plus a small delta of the papers added, changed or
// hidden since (delta.ts), kept current by polling papers.modified_at. Past the merge threshold the delta is
// written as one more stored segment (a flush: no build); a full build runs only when there is no usable snapshot,
// when the papers have grown by half since the last one, or on `paperfeed index`. One process per snapshot
// directory writes (under a database lease) and every process sharing the directory loads what it wrote, keeping
// the segments it holds already. With `buildWorker` set (serve), builds run in a worker thread (worker-build.ts)
// so the app keeps answering. src/services.ts creates one per process. docs/search.md ("Persistence and
// incremental updates") has the whole design.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { ConnectOptions, Database } from '../db/connect.ts';
import { acquireLease, releaseLease, renewLease } from '../db/jobs.ts';
import { rankingRowsByIds } from '../db/listings.ts';
import { indexablePapersByIds, paperStampsSince, papersByIds } from '../db/search.ts';
import { rankTrending } from '../db/trending.ts';
import { storedIdForms, tryParseArxivId } from '../domain/arxiv-id.ts';
import { buildSnapshot, databasePapers } from './build.ts';
import { addGraphs, compactSegments } from './compact.ts';
import type { Collection } from './collection.ts';
import { LruCache } from '../lru.ts';
import { Delta, type BaseSegment } from './delta.ts';
import { deriveMissingText } from './derive.ts';
import { DEFAULT_HYBRID, SearchEngine, type RankedDocs, type RelatedTerms } from './engine.ts';
import { indexStatistics } from './keyphrases.ts';
import { highlight, snippet } from './highlight.ts';
import { parsePersonName } from './names/person-name.ts';
import { signsAs } from './names/query-names.ts';
import { mostWordsMask, planQuery, rankPlan, type QueryPlan } from './pipeline.ts';
import { countAllowed, documentSpace, similarInSegments, type Segment } from './segments.ts';
import { type Embedder, embedQueries, paperText } from './semantic/embedder.ts';
import { ANN_MIN_DOCS, DRIFT_GROWTH, loadEmbedder } from './semantic/prepare.ts';
import { HnswIndex } from './semantic/vector-index.ts';
import {
  currentGeneration,
  indexDir,
  readManifest,
  readSnapshot,
  SnapshotError,
  writeGeneration,
  type LoadedSnapshot,
  type SegmentContent,
  type SnapshotManifest,
} from './snapshot.ts';
import { startWorkerBuild, type WorkerBuild } from './worker-build.ts';
import type { AuthorMatch, KnownItem, SearchHit, SearchOptions, SearchResult, SearchService, SimilarHit } from './types.ts';

export type { SearchService, SearchOptions, SearchResult, SearchHit, SimilarHit, HighlightPart, KnownItem, SpellingSuggestion, AuthorMatch } from './types.ts';

export interface SearchServiceOptions {
  dataDir: string;
  /** 'corpus' (default), 'onnx' (needs onnxModelDir) or 'none' (lexical only). */
  embedder: 'corpus' | 'onnx' | 'none';
  onnxModelDir?: string;
  onnxAllowRemote?: boolean;
  /** How often (at most) queries make the service look for changed papers and a newer snapshot. */
  refreshIntervalMs: number;
  /** Also look every refreshIntervalMs without queries (serve: a paper becomes searchable in every process). */
  pollInBackground?: boolean;
  /** Minimum time between two merges (full builds folding the delta into a new base). */
  minRebuildIntervalMs: number;
  /** Train the corpus embedder when no saved model exists (the CLI `index` does it eagerly). */
  trainIfMissing: boolean;
  /** Derive missing keyphrases and TL;DRs into the store after each lexical build (serve and `paperfeed index`). */
  deriveText?: boolean;
  log?: (message: string) => void;
  /**
   * Build snapshots in a worker thread that opens its own connection with these options (the same store as
   * `database`), keeping this thread's event loop free. Unset: build in this thread (CLI `index`, eval, tests).
   */
  buildWorker?: ConnectOptions;
  /** The merge threshold's floor (default MERGE_MIN; tests lower it). */
  mergeMinDocs?: number;
  /** The share of the stored papers a compaction may join (default JOIN_MAX_SHARE; tests raise it). */
  joinMaxShare?: number;
}

/** Starts a build worker; tests inject one whose worker fails on purpose. */
export type StartWorkerBuild = typeof startWorkerBuild;

/** Changed papers a poll derives keyphrases and TL;DRs for itself; more wait for the merge. */
const DERIVE_IN_POLL_MAX = 200;

const MAX_LIMIT = 100;
const MAX_OFFSET = 1_000;
/** Relevance candidates re-sorted for sort=date / sort=trending. */
const RESORT_POOL = 1_000;
/**
 * Change detection looks this far behind the newest modification it has applied: a transaction that stamped its
 * rows earlier but committed later (or a host whose clock is behind by up to this much) is still seen.
 */
export const CHANGE_LOOKBACK_MS = 5 * 60_000;
/** The delta is written as a stored segment once it holds this many documents and changes to stored ones (mergeThreshold). */
export const MERGE_MIN = 2_000;
export const MERGE_SHARE = 0.01;
/** The build lease: held while building, renewed a third of the way through, taken over once it expires. */
const LEASE_MS = 60_000;

export function mergeThreshold(papers: number, floor = MERGE_MIN): number {
  return Math.max(floor, Math.ceil(MERGE_SHARE * papers));
}

/** Stored segments of one level joined at a time: a flushed delta is 1 % of the papers, so four make 4 %. */
export const JOIN_COUNT = 4;
/** No compaction joins more than this share of the stored papers: its memory is a build's over them. */
export const JOIN_MAX_SHARE = 0.1;

/**
 * The segments a compaction joins, or null: the lowest level (flushed deltas are level 0) with JOIN_COUNT
 * segments, all of that level, when they hold at most JOIN_MAX_SHARE of the stored papers. A full build's segment
 * (no level) is never joined. Levels grow by one per join, so a query visits a few segments per level.
 */
export function segmentsToJoin(segments: readonly { id: string; level?: number; docs: number }[], maxShare = JOIN_MAX_SHARE): string[] | null {
  const total = segments.reduce((n, s) => n + s.docs, 0);
  const byLevel = new Map<number, { id: string; docs: number }[]>();
  for (const s of segments) if (s.level !== undefined) byLevel.set(s.level, [...(byLevel.get(s.level) ?? []), s]);
  for (const level of [...byLevel.keys()].sort((a, b) => a - b)) {
    const group = byLevel.get(level)!;
    if (group.length >= JOIN_COUNT && group.reduce((n, s) => n + s.docs, 0) <= maxShare * total) return group.map((s) => s.id);
  }
  return null;
}

/** Work on stored segments: joining some (compactSegments) or building their graphs (addGraphs). */
interface Upkeep {
  kind: 'join' | 'graph';
  segments: string[];
}

/** A segment this thread has just written, by its position in the generation's list (negative: from the end). */
interface HandedOver {
  segment: number;
  content: SegmentContent;
}

/** The generation in use and its delta. */
interface Live {
  generation: string;
  /** The generation's manifest (its segments' levels, the embedder its vectors come from). */
  manifest: SnapshotManifest;
  /** The snapshot has vectors but the embedder to query them is not loaded: semantic search is off. */
  embedder: Embedder | null;
  complete: boolean;
  delta: Delta;
  /** Newest modification applied (epoch ms). */
  highWater: number;
}

export class DatabaseSearchService implements SearchService {
  private live: Live | null = null;
  /** Similar papers by collection (one per index state), by limit and paper id. */
  private readonly similarByCollection = new WeakMap<Collection, LruCache<string, SimilarHit[]>>();
  private updating: Promise<void> | null = null;
  private building: Promise<void> | null = null;
  private checkedAt = 0;
  private builtAt = 0;
  embedder: Embedder | null = null;
  private worker: WorkerBuild | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly holder = `${process.pid}:${crypto.randomBytes(4).toString('hex')}`;

  constructor(
    readonly database: Database,
    readonly options: SearchServiceOptions,
    private readonly startWorker: StartWorkerBuild = startWorkerBuild,
  ) {
    if (options.pollInBackground) {
      // Only once an index is in use: a process nobody has searched yet builds nothing on its own.
      const poll = () => this.live && void this.update().catch((e) => this.log(`search refresh failed: ${(e as Error).message}`));
      this.timer = setInterval(poll, options.refreshIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Loads the saved snapshot now if there is one, so the first search does not wait for it (serve calls this at
   * start). Without one, nothing is built until the first search or paper page asks, as before there were snapshots.
   */
  async loadIfSaved(): Promise<void> {
    if (currentGeneration(indexDir(this.options.dataDir))) await this.update();
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  /** The collection queries run over, loading or building the index on first use. */
  private async collection(): Promise<Collection> {
    if (!this.live) {
      await this.update();
      if (!this.live) throw new Error('search index unavailable (the service is closed)');
    } else if (Date.now() - this.checkedAt > this.options.refreshIntervalMs) {
      // Look for changes in the background; queries keep using the current state meanwhile.
      void this.update().catch((e) => this.log(`search refresh failed: ${(e as Error).message}`));
    }
    return this.live!.delta.collection();
  }

  private threshold(live: Live): number {
    return mergeThreshold(live.delta.liveCount, this.options.mergeMinDocs);
  }

  /** What is loaded: the snapshot generation, its segments and papers, and the delta (null before the first load). */
  status(): { generation: string; segments: number; baseDocs: number; storedDocs: number; deltaSize: number; liveDocs: number; semantic: boolean } | null {
    const live = this.live;
    if (!live) return null;
    const { bases } = live.delta;
    return {
      generation: live.generation,
      segments: bases.length,
      baseDocs: bases[0].engine.docCount,
      storedDocs: bases.reduce((n, b) => n + b.engine.docCount, 0),
      deltaSize: live.delta.size,
      liveDocs: live.delta.liveCount,
      semantic: live.embedder !== null,
    };
  }

  /** The base engine (CLI `index` reports its size and derives keyphrases from it). */
  async engine(): Promise<SearchEngine> {
    await this.collection();
    return this.live!.delta.base.engine;
  }

  /**
   * Brings the index up to date now: loads (or builds) the snapshot, applies changed papers, and waits for a build
   * in progress (queries answer from what is loaded meanwhile).
   */
  async refresh(): Promise<void> {
    await this.update();
    await this.building;
  }

  private update(): Promise<void> {
    if (this.updating) return this.updating;
    if (this.closed) return Promise.resolve();
    this.updating = (async () => {
      try {
        this.checkedAt = Date.now();
        const generation = currentGeneration(indexDir(this.options.dataDir));
        if (!this.live || (generation && generation !== this.live.generation)) await this.loadCurrent();
        if (!this.live) await this.firstBuild();
        if (!this.live) return;
        await this.poll(this.live);
        this.maybeMerge();
      } finally {
        this.updating = null;
      }
    })();
    return this.updating;
  }

  /** Loads the current snapshot generation; an unusable one is logged and left for a rebuild. */
  private async loadCurrent(): Promise<void> {
    const generation = currentGeneration(indexDir(this.options.dataDir));
    if (!generation || generation === this.live?.generation || generation === this.unusable) return;
    const started = Date.now();
    let loaded: LoadedSnapshot | null;
    try {
      loaded = await this.read(generation);
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      this.log(`search: snapshot ${generation} is unusable (${e.message}); rebuilding it`);
      this.unusable = generation;
      this.needsBuild = true;
      return;
    }
    if (!loaded) return;
    await this.install(generation, loaded);
    this.log(
      `search: snapshot ${generation} loaded in ${Date.now() - started} ms (${loaded.manifest.papers.count} papers in ${loaded.segments.length} segment${loaded.segments.length === 1 ? '' : 's'})`,
    );
  }

  private needsBuild = false;
  /** A generation that failed to load: not read again (a build replaces it). */
  private unusable: string | null = null;

  /** The segments of the generation in use, by id: a later generation that keeps one reuses it as it is. */
  private stored = new Map<string, { content: SegmentContent; engine: SearchEngine }>();

  /** Makes a generation (loaded or just built) the index in use, with a delta caught up to the papers table. */
  private async install(generation: string, loaded: LoadedSnapshot): Promise<void> {
    const { manifest } = loaded;
    const embedder = manifest.embedder ? await this.queryEmbedder(manifest.embedder.id) : null;
    const stored = new Map<string, { content: SegmentContent; engine: SearchEngine }>();
    const bases: BaseSegment[] = loaded.segments.map(({ id, content, live }) => {
      const held = this.stored.get(id)?.engine;
      const engine = held ?? this.engineOf(content);
      // A segment in use that has gained its graph since it was loaded (the graph is added once, later).
      if (held && content.annFile && !held.vectorIndex) held.vectorIndex = this.graphOf(content);
      engine.vectors = embedder ? content.vectors : null;
      stored.set(id, { content, engine });
      return { id, engine, modified: content.docs.modified, hashes: content.docs.hashes, live };
    });
    const live: Live = {
      generation,
      manifest,
      embedder,
      complete: manifest.embedder !== null || this.options.embedder === 'none',
      delta: new Delta(bases, embedder ? (manifest.embedder?.dimensions ?? 0) : 0, manifest.hiddenWords),
      highWater: manifest.papers.highWater ? Date.parse(manifest.papers.highWater) : 0,
    };
    await this.poll(live);
    if (this.closed) return;
    this.live = live;
    this.stored = stored;
    this.embedder = embedder;
    if (!live.complete) this.needsBuild = true;
  }

  private engineOf(content: SegmentContent): SearchEngine {
    return new SearchEngine(content.lexical, content.docs, content.vectors, this.graphOf(content), DEFAULT_HYBRID, content.vocabulary);
  }

  private graphOf(content: SegmentContent): HnswIndex | null {
    const dims = content.vectors?.dimensions ?? 0;
    const graph = content.annFile ? HnswIndex.view(content.annFile, dims, content.docs.ids.count) : content.ann instanceof HnswIndex ? content.ann : null;
    if (content.annFile && !graph) this.log("search: the snapshot's ANN graph could not be mapped; nearest papers come from an exact scan");
    return graph;
  }

  /** The contents of the segments in use, by id: what a read or a job need not read again. */
  private heldContents(): Map<string, SegmentContent> {
    return new Map([...this.stored].map(([id, { content }]) => [id, content]));
  }

  /** Reads a generation, reusing the segments in use that it keeps. */
  private read(generation: string, built?: HandedOver): Promise<LoadedSnapshot | null> {
    const loaded = this.heldContents();
    // What this thread wrote is handed over: that segment need not be read back.
    if (built) loaded.set(readManifest(this.options.dataDir, generation).segments.at(built.segment)!.id, built.content);
    return readSnapshot(this.options.dataDir, generation, loaded);
  }

  /** Applies the papers changed since the newest change applied (looking back CHANGE_LOOKBACK_MS). */
  private async poll(live: Live): Promise<void> {
    const since = new Date(Math.max(0, live.highWater - CHANGE_LOOKBACK_MS)).toISOString();
    const stamps = await paperStampsSince(this.database, since);
    const changed = stamps.filter((s) => live.delta.knownModified(s.id) !== Date.parse(s.modifiedAt)).map((s) => s.id);
    if (changed.length) {
      const rows = await indexablePapersByIds(this.database, changed);
      const embedder = live.delta.dimensions ? live.embedder : null;
      const vectors = embedder ? await embedder.embed(rows.map((p) => paperText(p.title, p.abstract))) : [];
      const counts = live.delta.apply(rows, vectors);
      if (counts.added + counts.changed + counts.removed) {
        this.log(
          `search: ${counts.added} papers added, ${counts.changed} changed, ${counts.removed} removed since the snapshot (delta ${live.delta.size} of ${this.threshold(live)} before a merge)`,
        );
      }
      // New and changed papers get their keyphrases and TL;DR now, from the base's statistics; a bulk change (an
      // import) is left to the merge it brings about, to keep this thread free.
      if (this.options.deriveText && changed.length <= DERIVE_IN_POLL_MAX) {
        await deriveMissingText(this.database, indexStatistics(live.delta.base.engine.lexical), undefined, changed).catch((e) =>
          this.log(`search: deriving keyphrases and TL;DRs failed (${(e as Error).message}); the next build retries`),
        );
      }
    }
    for (const s of stamps) live.highWater = Math.max(live.highWater, Date.parse(s.modifiedAt));
  }

  /** No snapshot yet: build one (or wait for the process that builds it) and answer as soon as one is loaded. */
  private async firstBuild(): Promise<void> {
    let ready: () => void = () => {};
    const loaded = new Promise<void>((resolve) => (ready = resolve));
    const build = this.startBuild({ lexicalFirst: true, onLoaded: () => ready() });
    await Promise.race([build, loaded]);
  }

  /**
   * Keeps the index in shape, in the background, one step at a time: past the threshold the delta is written as one
   * more stored segment (a flush); a flushed segment large enough for a graph then gets one, built in the worker;
   * small segments are joined (segmentsToJoin); a full build replaces everything when the base lacks vectors or the
   * papers have grown by half since it was built (the corpus embedder is then retrained too: DRIFT_GROWTH).
   */
  private maybeMerge(): void {
    const live = this.live;
    if (!live || this.building || this.closed) return;
    // At most one build per minRebuildIntervalMs, also when the snapshot lacks vectors (too few papers to train on).
    if (Date.now() - this.builtAt < this.options.minRebuildIntervalMs) return;
    const { bases } = live.delta;
    const stored = bases.reduce((n, b) => n + b.engine.docCount, 0);
    const levels = new Map(live.manifest.segments.map((s) => [s.id, s.level]));
    const join = segmentsToJoin(
      bases.map((b) => ({ id: b.id, level: levels.get(b.id), docs: b.engine.docCount })),
      this.options.joinMaxShare,
    );
    // A flushed delta large enough for a graph gets one (built in the worker) before anything is joined.
    const graphless = bases.filter((b, k) => k > 0 && b.engine.vectors && !b.engine.vectorIndex && b.engine.docCount >= ANN_MIN_DOCS).map((b) => b.id);
    let next: Parameters<DatabaseSearchService['startBuild']>[0] | null = null;
    if (this.needsBuild || stored > DRIFT_GROWTH * bases[0].engine.docCount) next = { lexicalFirst: false };
    else if (live.delta.size >= this.threshold(live)) next = { lexicalFirst: false, flush: true };
    else if (graphless.length) next = { lexicalFirst: false, upkeep: { kind: 'graph', segments: graphless } };
    else if (join) next = { lexicalFirst: false, upkeep: { kind: 'join', segments: join } };
    if (next) void this.startBuild(next).catch(() => undefined);
  }

  /** A full build now (CLI `index`), retraining the corpus embedder when asked. */
  async rebuild(options: { retrain?: boolean } = {}): Promise<void> {
    await this.building?.catch(() => undefined);
    await this.startBuild({ lexicalFirst: false, retrain: options.retrain, alwaysBuild: true });
  }

  /**
   * Builds a snapshot under the directory's lease, or, when another process holds it, waits for the generation
   * that process writes. Each generation written is loaded as it appears (`onLoaded` after the first).
   */
  private startBuild(o: {
    lexicalFirst: boolean;
    retrain?: boolean;
    alwaysBuild?: boolean;
    flush?: boolean;
    upkeep?: Upkeep;
    onLoaded?: () => void;
  }): Promise<void> {
    if (this.building) return this.building;
    this.building = (async () => {
      const lease = `search-index:${directoryId(this.options.dataDir)}`;
      const before = this.live?.generation ?? currentGeneration(indexDir(this.options.dataDir));
      try {
        for (;;) {
          if (this.closed) throw new Error('search service is closed');
          if (await acquireLease(this.database, { name: lease, holder: this.holder, job: 'search-index', ttlMs: LEASE_MS })) break;
          // Another process builds: load what it writes.
          await sleep(1000);
          const now = currentGeneration(indexDir(this.options.dataDir));
          if (now && now !== before) {
            await this.loadCurrent();
            if (this.live?.generation === now) {
              o.onLoaded?.();
              if (!o.alwaysBuild && this.live.complete) return;
            }
          }
        }
        const renew = setInterval(() => void renewLease(this.database, lease, this.holder, LEASE_MS).catch(() => undefined), LEASE_MS / 3);
        renew.unref();
        try {
          // The lease may have been free because the other process just finished: nothing left to do then.
          const now = currentGeneration(indexDir(this.options.dataDir));
          if (!o.alwaysBuild && now && now !== before) {
            await this.loadCurrent();
            if (this.live?.generation === now && this.live.complete && this.live.delta.size < this.threshold(this.live)) {
              o.onLoaded?.();
              return;
            }
          }
          if (o.flush) await this.flush();
          else if (o.upkeep) await this.build(o);
          else {
            await this.build(o);
            this.needsBuild = false;
          }
          this.builtAt = Date.now();
        } finally {
          clearInterval(renew);
          await releaseLease(this.database, lease, this.holder).catch(() => undefined);
        }
      } catch (e) {
        if (!this.closed) this.log(`search: index build failed (${(e as Error).message})${this.live ? '; still answering from the previous index' : ''}`);
        throw e;
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  /**
   * Writes the delta as one more segment of a new generation (nothing is read or built: its papers are analysed
   * and embedded already; the stored segments' files are linked, not copied) and loads that generation, which
   * keeps the segments in use as they are.
   */
  private async flush(): Promise<void> {
    const live = this.live!;
    const started = Date.now();
    const { keep, add, hiddenWords } = live.delta.flush();
    const generation = writeGeneration(this.options.dataDir, {
      papers: { count: live.delta.liveCount, highWater: live.highWater ? new Date(live.highWater).toISOString() : null },
      embedder: live.manifest.embedder,
      from: { generation: live.generation, keep },
      add: add ? [{ ...add, level: 0 }] : [],
      hiddenWords,
    });
    await this.loadCurrentGeneration(generation, add ? { segment: -1, content: add.content } : undefined);
    this.log(`search: delta of ${add?.content.docs.ids.count ?? 0} papers written as a segment of ${generation} in ${Date.now() - started} ms`);
  }

  /**
   * A full build, or with `upkeep` a join of segments of the generation in use or their graphs (compact.ts), in
   * the worker thread when there is one; the generation written is loaded.
   */
  private async build(o: { lexicalFirst: boolean; retrain?: boolean; upkeep?: Upkeep; onLoaded?: () => void }): Promise<void> {
    if (this.closed) throw new Error('search service is closed');
    const opts = this.options;
    const choice = {
      dataDir: opts.dataDir,
      embedder: opts.embedder,
      onnxModelDir: opts.onnxModelDir,
      onnxAllowRemote: opts.onnxAllowRemote,
      trainIfMissing: opts.trainIfMissing,
      retrain: o.retrain,
    };
    const load = async (generation: string) => {
      await this.loadCurrentGeneration(generation);
      o.onLoaded?.();
    };
    const upkeep = o.upkeep && this.live ? { ...o.upkeep, generation: this.live.generation } : undefined;
    // Upkeep embeds nothing, so it runs in the worker whatever the embedder; a join too small for a graph runs here,
    // a page of papers at a time, sparing the worker thread's own memory (a V8 isolate and the sources).
    const joining = upkeep ? this.live!.delta.bases.filter((b) => upkeep.segments.includes(b.id)).reduce((n, b) => n + b.engine.docCount, 0) : 0;
    const inThread = upkeep?.kind === 'join' && joining < ANN_MIN_DOCS;
    if (opts.buildWorker && !inThread && (upkeep || opts.embedder !== 'onnx')) {
      const build = this.startWorker(
        { connection: opts.buildWorker, embedder: choice, lexicalFirst: o.lexicalFirst, deriveText: opts.deriveText, upkeep },
        { log: opts.log, onSnapshot: load },
      );
      this.worker = build;
      try {
        await build.done;
      } finally {
        this.worker = null;
      }
      return;
    }
    if (upkeep) {
      const { kind, ...rest } = upkeep;
      const job = { dataDir: opts.dataDir, ...rest, log: opts.log, loaded: this.heldContents() };
      await load(kind === 'join' ? await compactSegments(this.database, job) : await addGraphs(job));
      return;
    }
    if (opts.buildWorker && opts.embedder === 'onnx')
      this.log('search: EMBEDDER=onnx builds the index in the app thread (onnxruntime-node loads in one thread per process only)');
    const built = await buildSnapshot(
      databasePapers(this.database),
      { ...choice, log: opts.log },
      {
        log: opts.log,
        lexicalFirst: o.lexicalFirst,
        onSnapshot: (g, complete) => (complete ? undefined : load(g)),
        deriveText: opts.deriveText ? (lexical) => deriveMissingText(this.database, indexStatistics(lexical), opts.log).then(() => undefined) : undefined,
      },
    );
    if (built.embedder) this.embedder = built.embedder;
    await this.loadCurrentGeneration(built.generation, { segment: 0, content: built.content });
    o.onLoaded?.();
  }

  /** Loads a generation this process just wrote (whether or not another writer has made a newer one current). */
  private async loadCurrentGeneration(generation: string, built?: HandedOver): Promise<void> {
    const loaded = await this.read(generation, built);
    if (loaded) await this.install(generation, loaded);
  }

  /** The embedder for queries, matching the one the snapshot's papers were embedded with (loaded from what was saved). */
  private async queryEmbedder(id: string): Promise<Embedder | null> {
    if (this.embedder?.id === id) return this.embedder;
    let loaded: Embedder | null = null;
    try {
      loaded = await loadEmbedder({ ...this.options, trainIfMissing: false, retrain: false }, []);
    } catch (e) {
      this.log(`search: embedder unavailable (${(e as Error).message}); lexical only`);
    }
    if (loaded?.id !== id) {
      this.log(
        `search: the saved embedder is not the one the papers were embedded with (${loaded?.id ?? 'none'}, not ${id}); lexical only until the next build`,
      );
      this.needsBuild = true;
      return null;
    }
    return loaded;
  }

  /** Stops a running build worker, the background polling and any later build (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.worker?.terminate();
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const [result] = await this.searchMany([query], options);
    return result;
  }

  async searchMany(queries: string[], options: SearchOptions = {}): Promise<SearchResult[]> {
    const collection = await this.collection();
    const { segments } = collection;
    const vectors = segments.some((s) => s.engine.vectors);
    const limit = clampInt(options.limit, 1, MAX_LIMIT, 20);
    const offset = clampInt(options.offset, 0, MAX_OFFSET, 0);
    const mode = options.mode ?? 'hybrid';
    const sort = options.sort ?? 'relevance';
    const within = options.filters?.ids ? liveDocsOf(segments, options.filters.ids) : null;
    const out: SearchResult[] = [];
    for (const query of queries) {
      const text = typeof query === 'string' ? query : '';
      const known = await this.knownItem(text, offset);
      if (known) {
        out.push(options.countMatching ? { ...known, matching: known.total } : known);
        continue;
      }
      const plan = planQuery(collection, text, options.filters ?? {}, options.correctSpelling !== false, options.match !== 'most');
      const parsed = plan.parsed;
      const wantVector = mode !== 'lexical' && this.embedder && vectors && parsed.text;
      const qv = wantVector ? (await embedQueries(this.embedder!, [parsed.text]))[0] : null;
      const k = sort === 'relevance' ? offset + limit : RESORT_POOL;
      // The relevance cut-off: papers containing most of the query's words. Digest interests rank only those, and
      // so do sort=date / sort=trending, so that a one-word match of a long query never leads the newest.
      const most =
        plan.words.terms.size && (options.match === 'most' || sort !== 'relevance' || options.countMatching)
          ? mostWordsMask(collection, plan.words, within)
          : null;
      const scope = most && (options.match === 'most' || sort !== 'relevance') ? most : within;
      let ranked = rankPlan(collection, plan, mode, k, qv, this.relatedTerms(), scope);
      if (sort !== 'relevance') ranked = await this.resort(segments, ranked, sort);
      const result = await this.hits(segments, plan, ranked, offset, limit);
      if (options.countMatching) result.matching = most ? countAllowed(segments, parsed, most) : result.total;
      out.push(result);
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
    const hits: SearchHit[] =
      row && offset === 0
        ? [
            {
              id: row.id,
              score: 1,
              parts: {},
              highlights: { title: highlight(row.title, none), summary: highlight(row.abstract, none) },
              snippet: snippet(row.abstract, none),
            },
          ]
        : [];
    return { total: row ? 1 : 0, hits, parsed: { terms: [], phrases: [] }, knownItem, spelling: null, authors: [] };
  }

  /** The embedder's related words for the hybrid rerank, when it has word neighbours (the corpus model does). */
  private relatedTerms(): RelatedTerms | undefined {
    const embedder = this.embedder;
    return embedder?.relatedTerms ? (term) => embedder.relatedTerms!(term) : undefined;
  }

  /** Re-sorts relevance candidates by date (newest first) or by the site's trending ranking. */
  private async resort(segments: Segment[], ranked: RankedDocs, sort: 'date' | 'trending'): Promise<RankedDocs> {
    const idx = ranked.docs.map((_, i) => i);
    const days = ranked.docs.map((d) => dayOf(segments, d));
    if (sort === 'date') {
      idx.sort((a, b) => days[b] - days[a] || a - b);
    } else {
      // The trending page's ranking (src/db/trending.ts), as of the newest candidate's day as the page ranks as of
      // the latest day with activity. Papers without a date, or hidden since the index was built, go last.
      const ids = ranked.docs.map((d) => paperIdOf(segments, d));
      const rows = (await rankingRowsByIds(this.database, ids)).filter((r) => r.firstSeen);
      const referenceDay = rows.reduce((latest, r) => (r.firstSeen > latest ? r.firstSeen : latest), '');
      const rank = new Map(rows.length ? (await rankTrending(this.database, rows, referenceDay)).map((r, i) => [r.id, i]) : []);
      const position = (i: number) => rank.get(ids[i]) ?? rows.length;
      idx.sort((a, b) => position(a) - position(b) || a - b);
    }
    return {
      docs: idx.map((i) => ranked.docs[i]),
      scores: idx.map((i) => ranked.scores[i]),
      lexical: idx.map((i) => ranked.lexical[i]),
      semantic: idx.map((i) => ranked.semantic[i]),
      total: ranked.total,
    };
  }

  private async hits(segments: Segment[], plan: QueryPlan, ranked: RankedDocs, offset: number, limit: number): Promise<SearchResult> {
    const { parsed, correction } = plan;
    const page = ranked.docs.slice(offset, offset + limit);
    const ids = page.map((d) => paperIdOf(segments, d));
    const rows = await papersByIds(this.database, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const wanted = new Set(parsed.terms.keys());
    const hits: SearchHit[] = [];
    page.forEach((_d, j) => {
      const i = offset + j;
      const row = byId.get(ids[j]);
      if (!row) return; // hidden since the last poll
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
      spelling: correction && {
        original: correction.original,
        corrected: correction.corrected,
        applied: plan.correctionApplied,
        words: correction.words.map(({ from, to }) => ({ from, to })),
      },
      authors: await this.authorMatches(segments, plan),
    };
  }

  /**
   * Each typed author name with the name as the papers write it (the commonest form among its newest papers, full
   * given names before initials) and the number of live papers it signs.
   */
  private async authorMatches(segments: Segment[], plan: QueryPlan): Promise<AuthorMatch[]> {
    if (!plan.names.length) return [];
    const newest = plan.names.map((n) => Array.from(n.docs.slice(-5), (d) => paperIdOf(segments, d)));
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
    if (!this.live) {
      void this.update().catch((e) => this.log(`search build failed: ${(e as Error).message}`));
      return null;
    }
    return this.similar(id, k);
  }

  async similar(id: string, k = 10): Promise<SimilarHit[]> {
    const collection = await this.collection();
    const { segments } = collection;
    const limit = clampInt(k, 1, MAX_LIMIT, 10);
    // A collection object stands for one state of the index (the delta builds a new one on any change), so its
    // answers are kept with it: a paper page asks for the same neighbours on every view.
    let known = this.similarByCollection.get(collection);
    if (!known) {
      known = new LruCache({ maxEntries: 5_000 });
      this.similarByCollection.set(collection, known);
    }
    const key = `${limit} ${id}`;
    let hits = known.get(key);
    if (!hits) {
      hits = similarInSegments(segments, String(id), limit).map(({ doc, score }) => ({ id: paperIdOf(segments, doc), score }));
      known.set(key, hits);
    }
    // A copy: callers may sort or cut what they get.
    return [...hits];
  }
}

/** A mask of the live documents of the given paper ids (ids not in the index are ignored). */
function liveDocsOf(segments: Segment[], ids: readonly string[]): Uint8Array {
  const mask = new Uint8Array(documentSpace(segments));
  for (const id of ids) {
    for (let s = segments.length - 1; s >= 0; s--) {
      const { engine, offset, live } = segments[s];
      const d = engine.ids.doc(String(id));
      if (d === undefined || (live && !live[d])) continue;
      mask[offset + d] = 1;
      break;
    }
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
    refreshIntervalMs: config.SEARCH_POLL_SECONDS * 1000,
    minRebuildIntervalMs: config.SEARCH_REBUILD_SECONDS * 1000,
    trainIfMissing: true,
    deriveText: config.DERIVE_TEXT,
    ...overrides,
  };
}

/** The segment holding a global document number and its number there. */
function locate(segments: Segment[], doc: number): { segment: Segment; doc: number } {
  let s = segments.length - 1;
  while (s > 0 && doc < segments[s].offset) s--;
  return { segment: segments[s], doc: doc - segments[s].offset };
}

function paperIdOf(segments: Segment[], doc: number): string {
  const at = locate(segments, doc);
  return at.segment.engine.ids.id(at.doc);
}

function dayOf(segments: Segment[], doc: number): number {
  const at = locate(segments, doc);
  return at.segment.engine.days[at.doc];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * A random name for a snapshot directory, made once: the build lease is per directory, so processes sharing one
 * (on one host, or on shared storage) build it once, and processes elsewhere build their own.
 */
export function directoryId(dataDir: string): string {
  const file = path.join(indexDir(dataDir), 'ID');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, crypto.randomBytes(8).toString('hex'), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** How a build worker reaches the configured store: the same settings `openDatabase` connects with. */
export function workerConnection(config: Config): ConnectOptions {
  return { databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath };
}
