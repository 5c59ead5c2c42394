// The papers added, changed or hidden since the stored segments were written, searched together with them. New
// and changed papers become documents of a small delta segment (analysed once, as they arrive); the stored
// documents they replace, and hidden papers, are tombstoned (a live mask over each stored segment). All are scored
// with the collection's statistics: N and df are the stored segments' plus the delta's (tombstoned documents keep
// counting until a full build), the delta's impacts are computed with them, and each stored segment's (made with
// the statistics of its own time) are rescaled per query term; average field lengths stay the first segment's. The
// delta's papers have their own author index and spelling words, and the collection (collection.ts) answers names
// and corrections over every segment alike. A merge writes the delta as one more stored segment as it is (flush):
// nothing is analysed or embedded again. docs/search.md ("Persistence and incremental updates") states what is
// exact and what is approximate.
import zlib from 'node:zlib';
import type { IndexablePaper } from '../db/search.ts';
import { AdjustedSpelling, SegmentNames, type Collection } from './collection.ts';
import { docTable, SearchEngine } from './engine.ts';
import { bm25Idf, documentFrequency, LexicalIndexBuilder, lookupTerm, type BaseStatistics } from './lexical/index.ts';
import { allowedCount } from './lexical/topk.ts';
import { AuthorIndexBuilder } from './names/author-index.ts';
import type { Segment } from './segments.ts';
import { QuantizedVectors } from './semantic/quantized.ts';
import { segmentOf, type HiddenWords, type SegmentContent } from './snapshot.ts';
import { buildSpellingData, SpellingDictionary, spellingMinDf } from './spelling/dictionary.ts';
import { SurfaceWordSets } from './spelling/surface-words.ts';
import { analyze } from './text/analyze.ts';

/** CRC-32 of what search reads from a paper: a modification of anything else (stars, keywords) is not a change. */
export function contentHash(p: Pick<IndexablePaper, 'title' | 'abstract' | 'authors' | 'categories' | 'day'>): number {
  return zlib.crc32(JSON.stringify([p.title, p.abstract, p.authors, p.categories, p.day]));
}

/** A stored segment as the delta sees it: its engine, what change detection compares, and its live mask. */
export interface BaseSegment {
  /** The segment's id in the snapshot (snapshot.ts). */
  id: string;
  engine: SearchEngine;
  modified: Float64Array;
  hashes: Uint32Array;
  /** 0 for documents superseded or hidden before the generation was written; null when all are live. */
  live: Uint8Array | null;
}

export interface ApplyCounts {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

/** Where a paper's stored version is: the live one, else the newest. */
interface Located {
  segment: number;
  doc: number;
  live: boolean;
}

/** What a new generation needs from a delta (see Delta.flush). */
export interface Flushed {
  /** Each base segment's live mask, with the delta's tombstones. */
  keep: { id: string; live: Uint8Array | null }[];
  /** The delta's documents as a segment of their own (null when it has none), with its live mask. */
  add: { content: SegmentContent; live: Uint8Array | null } | null;
  hiddenWords: HiddenWords[];
}

/**
 * The statistics of stored segments taken together: N is what each indexed, df the sum of their own postings
 * counts (tombstoned documents included), lengths are normalised by the first segment's averages.
 */
function segmentsStatistics(bases: readonly BaseSegment[]): BaseStatistics {
  return {
    docCount: bases.reduce((n, b) => n + b.engine.lexical.indexedDocs, 0),
    fieldAverages: bases[0].engine.lexical.fieldAverages,
    documentFrequency: (term) => {
      let n: number | undefined;
      for (const { engine } of bases) {
        const id = lookupTerm(engine.lexical, term);
        if (id !== undefined) n = (n ?? 0) + documentFrequency(engine.lexical, id);
      }
      return n;
    },
  };
}

export class Delta {
  private readonly builder: LexicalIndexBuilder;
  private readonly names = new AuthorIndexBuilder();
  /** The surface words of each delta document, and of each hidden stored document (its words stop counting). */
  private readonly words = new SurfaceWordSets();
  private readonly docWords: Uint32Array[] = [];
  /** Hidden stored documents whose words are known, by `segment:doc`. */
  private readonly hiddenWords = new Map<string, Uint32Array>();
  private readonly statistics: BaseStatistics;
  private readonly ids: string[] = [];
  private readonly days: (string | null)[] = [];
  private readonly hashes: number[] = [];
  private vectors: Float32Array[] = [];
  private dead = new Uint8Array(64);
  /** The live delta document of each paper id. */
  private readonly byId = new Map<string, number>();
  /** Each stored segment's documents: 1 live, 0 tombstoned (null: all live until the first tombstone). */
  private readonly baseLive: (Uint8Array | null)[];
  /** Live stored documents. */
  private storedLive = 0;
  /** Stored documents tombstoned or shown again by this delta. */
  private storedChanges = 0;
  private cached: Collection | null = null;

  constructor(
    readonly bases: readonly BaseSegment[],
    /** Dimensions of the vectors given to apply (0: no vectors). */
    readonly dimensions: number,
    hidden: readonly HiddenWords[] = [],
  ) {
    this.builder = new LexicalIndexBuilder(bases[0].engine.lexical.params);
    this.statistics = segmentsStatistics(bases);
    this.baseLive = bases.map((b) => b.live?.slice() ?? null);
    for (const [k, b] of bases.entries()) this.storedLive += b.live ? allowedCount(this.baseLive[k]!) : b.engine.docCount;
    for (const h of hidden) {
      const k = bases.findIndex((b) => b.id === h.segment);
      if (k < 0) continue;
      for (const w of h.words) this.words.add(w);
      this.hiddenWords.set(`${k}:${h.doc}`, this.words.take());
    }
  }

  /** The first stored segment: a full build's (its statistics derive keyphrases; its averages normalise lengths). */
  get base(): BaseSegment {
    return this.bases[0];
  }

  /** Delta documents (superseded ones included) plus stored documents tombstoned or shown again: what the merge threshold counts. */
  get size(): number {
    return this.ids.length + this.storedChanges;
  }

  get liveCount(): number {
    return this.storedLive + this.byId.size;
  }

  /**
   * The modification time the index holds for a paper (epoch ms): its delta version's, else its stored version's
   * (tombstoned or not), else undefined. Change detection skips rows whose time it already holds.
   */
  private readonly modified = new Map<string, number>();
  knownModified(id: string): number | undefined {
    const m = this.modified.get(id);
    if (m !== undefined) return m;
    const at = this.locate(id);
    return at && this.bases[at.segment].modified[at.doc];
  }

  private locate(id: string): Located | undefined {
    let found: Located | undefined;
    for (let k = this.bases.length - 1; k >= 0; k--) {
      const doc = this.bases[k].engine.ids.doc(id);
      if (doc === undefined) continue;
      if (this.isBaseLive(k, doc)) return { segment: k, doc, live: true };
      if (!found || this.bases[k].modified[doc] > this.bases[found.segment].modified[found.doc]) found = { segment: k, doc, live: false };
    }
    return found;
  }

  /**
   * Applies papers read from the store (each the current row, hidden ones included); `vectors[i]` is paper i's
   * vector from the current embedder (when dimensions > 0, for papers that are not hidden).
   */
  apply(papers: IndexablePaper[], vectors: (Float32Array | null)[] = []): ApplyCounts {
    const counts: ApplyCounts = { added: 0, changed: 0, removed: 0, unchanged: 0 };
    for (const [i, p] of papers.entries()) {
      this.modified.set(p.id, Date.parse(p.modifiedAt));
      const hash = contentHash(p);
      const inDelta = this.byId.get(p.id);
      const at = this.locate(p.id);
      const storedHash = at && this.bases[at.segment].hashes[at.doc];
      if (p.hidden) {
        if (inDelta === undefined && !at?.live) {
          counts.unchanged++;
          continue;
        }
        if (inDelta !== undefined) this.kill(inDelta);
        if (at?.live) {
          this.tombstone(at);
          // Hidden as the segment indexed it: its words are known and stop counting for spelling.
          if (storedHash === hash) this.hiddenWords.set(`${at.segment}:${at.doc}`, this.wordsOf(p));
        }
        counts.removed++;
        continue;
      }
      if (inDelta !== undefined ? this.hashes[inDelta] === hash : at?.live && storedHash === hash) {
        counts.unchanged++;
        continue;
      }
      if (inDelta === undefined && at && !at.live && storedHash === hash) {
        // Shown again, unchanged since it was stored: the stored document serves again.
        this.baseLive[at.segment]![at.doc] = 1;
        this.storedLive++;
        this.storedChanges++;
        this.hiddenWords.delete(`${at.segment}:${at.doc}`);
        this.cached = null;
        counts.added++;
        continue;
      }
      if (inDelta !== undefined) this.kill(inDelta);
      if (at?.live) this.tombstone(at);
      if (inDelta !== undefined || at !== undefined) counts.changed++;
      else counts.added++;
      const doc = this.builder.add(p, this.words.add);
      this.docWords.push(this.words.take());
      this.names.add(doc, p.authors);
      this.ids.push(p.id);
      this.days.push(p.day);
      this.hashes.push(hash);
      this.vectors.push(this.dimensions ? (vectors[i] ?? new Float32Array(this.dimensions)) : new Float32Array(0));
      this.byId.set(p.id, doc);
      this.cached = null;
    }
    return counts;
  }

  /** A paper's surface words, read as the index build reads them. */
  private wordsOf(p: IndexablePaper): Uint32Array {
    analyze(p.title, this.words.add);
    analyze(p.abstract, this.words.add);
    return this.words.take();
  }

  private isBaseLive(segment: number, doc: number): boolean {
    const live = this.baseLive[segment];
    return live === null || live[doc] === 1;
  }

  private tombstone({ segment, doc }: Located): void {
    let live = this.baseLive[segment];
    if (!live) live = this.baseLive[segment] = new Uint8Array(this.bases[segment].engine.docCount).fill(1);
    live[doc] = 0;
    this.storedLive--;
    this.storedChanges++;
    this.cached = null;
  }

  private kill(doc: number): void {
    if (doc >= this.dead.length) {
      const next = new Uint8Array(Math.max(doc + 1, this.dead.length * 2));
      next.set(this.dead);
      this.dead = next;
    }
    this.dead[doc] = 1;
    this.byId.delete(this.ids[doc]);
    this.cached = null;
  }

  /** The stored segments and the delta as segments to rank over (the delta's index is rebuilt when it changed). */
  segments(): Segment[] {
    return this.collection().segments;
  }

  /** The segments with the live papers' names and spelling words (rebuilt when the delta changed). */
  collection(): Collection {
    if (this.cached) return this.cached;
    const docCount = this.liveCount;
    const n = this.ids.length;
    const dead = new Uint8Array(n);
    dead.set(this.dead.subarray(0, Math.min(n, this.dead.length)));
    if (!n && this.bases.length === 1) {
      // The base alone, as a single engine ranks it (its own statistics are the collection's).
      const segments = [{ engine: this.base.engine, offset: 0, live: this.baseLive[0] }];
      const spelling = this.hiddenWords.size ? this.spelling(dead, docCount).lookup : this.base.engine.spelling;
      return (this.cached = { segments, docCount, names: new SegmentNames(segments), spelling });
    }
    const spelling = this.spelling(dead, docCount);
    const lexical = n ? this.builder.build({ statistics: this.statistics, dead }) : null;
    // The collection's statistics: the stored segments' plus the delta's (tombstoned documents keep counting).
    const statsDocs = this.statistics.docCount + this.byId.size;
    const idf = (term: string) => {
      let df = this.statistics.documentFrequency(term) ?? 0;
      const id = lexical && lookupTerm(lexical, term);
      if (id !== undefined && id !== null) df += documentFrequency(lexical!, id);
      return df ? bm25Idf(statsDocs, df) : undefined;
    };
    const segments: Segment[] = [];
    let offset = 0;
    this.bases.forEach(({ engine }, k) => {
      const weightScale = (term: string) => {
        const own = engine.idf(term);
        return own ? idf(term)! / own : 1;
      };
      segments.push({ engine, offset, live: this.baseLive[k], idf, weightScale });
      offset += engine.docCount;
    });
    if (lexical) {
      // A superseded document keeps its number but not its id, so looking the id up finds the live version.
      const table = docTable(this.ids.map((id, d) => ({ id: dead[d] ? '' : id, day: this.days[d] })));
      const vectors = this.dimensions ? QuantizedVectors.from(concat(this.vectors, this.dimensions), this.dimensions) : null;
      const vocabulary = { spelling: spelling.added, authorNames: this.names.build(dead) };
      const engine = new SearchEngine(lexical, table, vectors, null, this.base.engine.hybrid, vocabulary);
      segments.push({ engine, offset, live: dead.map((x) => 1 - x), idf });
    }
    return (this.cached = { segments, docCount, names: new SegmentNames(segments), spelling: spelling.lookup });
  }

  /**
   * What a new generation needs to hold the delta: the stored segments with the delta's tombstones, the delta's
   * documents as one more segment (analysed already: nothing is read or built again), and the hidden papers whose
   * words no longer count.
   */
  flush(): Flushed {
    const collection = this.collection();
    const keep = this.bases.map((b, k) => ({ id: b.id, live: this.baseLive[k] }));
    const hiddenWords = [...this.hiddenWords].map(([key, words]) => {
      const [k, doc] = key.split(':').map(Number);
      return { segment: this.bases[k].id, doc, words: Array.from(words, (w) => this.words.word(w)) };
    });
    if (!this.ids.length) return { keep, add: null, hiddenWords };
    const { engine, live } = collection.segments[this.bases.length];
    const content = segmentOf(
      engine,
      Float64Array.from(this.ids, (id) => this.modified.get(id) ?? 0),
      Uint32Array.from(this.hashes),
    );
    return { keep, add: { content, live: live!.every((x) => x === 1) ? null : live }, hiddenWords };
  }

  /**
   * The live papers' spelling dictionary: every stored segment's, plus the words of live delta papers (their own
   * small dictionary, also the delta engine's), minus the words of hidden stored papers.
   */
  private spelling(dead: Uint8Array, docCount: number) {
    // The delta's own dictionary counts its live papers only: it becomes a stored segment's as it is.
    const counts = new Int32Array(this.words.size);
    this.docWords.forEach((words, d) => {
      if (!dead[d]) for (const w of words) counts[w]++;
    });
    const entries: { word: string; df: number }[] = [];
    counts.forEach((c, w) => {
      if (c > 0) entries.push({ word: this.words.word(w), df: c });
    });
    const removed = new Map<string, number>();
    for (const words of this.hiddenWords.values()) for (const w of words) removed.set(this.words.word(w), (removed.get(this.words.word(w)) ?? 0) + 1);
    const added = buildSpellingData(entries);
    const dictionaries = [...this.bases.map((b) => b.engine.spelling), new SpellingDictionary(added)];
    return { added, lookup: new AdjustedSpelling(dictionaries, removed, spellingMinDf(docCount)) };
  }
}

function concat(vectors: Float32Array[], dimensions: number): Float32Array {
  const out = new Float32Array(vectors.length * dimensions);
  vectors.forEach((v, i) => {
    out.set(v, i * dimensions);
  });
  return out;
}
