// The papers added, changed or hidden since the base snapshot was built, searched together with it. New and
// changed papers become documents of a small delta segment (analysed once, as they arrive); the base documents
// they replace, and hidden papers, are tombstoned (a live mask over the base). Both are scored with the
// collection's statistics: N and df are the base's plus the delta's (tombstoned base documents keep counting until
// the next merge), the delta's impacts are computed with them, and the base's (made with its own build's idf) are
// rescaled per query term; average field lengths stay the base's. The delta's papers have their own author index
// and spelling words, and the collection (collection.ts) answers names and corrections over base and delta alike.
// docs/search.md ("Persistence and incremental updates") states what is exact and what is approximate.
import zlib from 'node:zlib';
import type { IndexablePaper } from '../db/search.ts';
import { AdjustedSpelling, SegmentNames, type Collection } from './collection.ts';
import { docTable, SearchEngine } from './engine.ts';
import { baseStatistics, bm25Idf, documentFrequency, LexicalIndexBuilder, lookupTerm, type BaseStatistics } from './lexical/index.ts';
import { AuthorIndexBuilder } from './names/author-index.ts';
import type { Segment } from './segments.ts';
import { QuantizedVectors } from './semantic/quantized.ts';
import { buildSpellingData, SpellingDictionary, spellingMinDf } from './spelling/dictionary.ts';
import { SurfaceWordSets } from './spelling/surface-words.ts';
import { analyze } from './text/analyze.ts';

/** CRC-32 of what search reads from a paper: a modification of anything else (stars, keywords) is not a change. */
export function contentHash(p: Pick<IndexablePaper, 'title' | 'abstract' | 'authors' | 'categories' | 'day'>): number {
  return zlib.crc32(JSON.stringify([p.title, p.abstract, p.authors, p.categories, p.day]));
}

/** What the base snapshot knows of each of its documents, for change detection. */
export interface BaseDocs {
  engine: SearchEngine;
  modified: Float64Array;
  hashes: Uint32Array;
}

export interface ApplyCounts {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

export class Delta {
  private readonly builder: LexicalIndexBuilder;
  private readonly names = new AuthorIndexBuilder();
  /** The surface words of each delta document, and of each hidden base document (its words stop counting). */
  private readonly words = new SurfaceWordSets();
  private readonly docWords: Uint32Array[] = [];
  private readonly hiddenWords = new Map<number, Uint32Array>();
  private readonly statistics: BaseStatistics;
  private readonly ids: string[] = [];
  private readonly days: (string | null)[] = [];
  private readonly hashes: number[] = [];
  private vectors: Float32Array[] = [];
  private dead = new Uint8Array(64);
  /** The live delta document of each paper id. */
  private readonly byId = new Map<string, number>();
  /** Base documents: 1 live, 0 tombstoned. Allocated at the first tombstone. */
  private baseLive: Uint8Array | null = null;
  private tombstoneCount = 0;
  private cached: Collection | null = null;

  constructor(
    readonly base: BaseDocs,
    /** Dimensions of the vectors given to apply (0: no vectors). */
    readonly dimensions: number,
  ) {
    this.builder = new LexicalIndexBuilder(base.engine.lexical.params);
    this.statistics = baseStatistics(base.engine.lexical);
  }

  /** Delta documents (superseded ones included) plus tombstoned base documents: what the merge threshold counts. */
  get size(): number {
    return this.ids.length + this.tombstoneCount;
  }

  get liveCount(): number {
    return this.base.engine.docCount - this.tombstoneCount + this.byId.size;
  }

  /**
   * The modification time the index holds for a paper (epoch ms): its delta version's, else its base version's
   * (tombstoned or not), else undefined. Change detection skips rows whose time it already holds.
   */
  private readonly modified = new Map<string, number>();
  knownModified(id: string): number | undefined {
    const m = this.modified.get(id);
    if (m !== undefined) return m;
    const doc = this.base.engine.ids.doc(id);
    return doc === undefined ? undefined : this.base.modified[doc];
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
      const baseDoc = this.base.engine.ids.doc(p.id);
      const baseLive = baseDoc !== undefined && this.isBaseLive(baseDoc);
      if (p.hidden) {
        if (inDelta === undefined && !baseLive) {
          counts.unchanged++;
          continue;
        }
        if (inDelta !== undefined) this.kill(inDelta);
        if (baseLive) {
          this.tombstone(baseDoc);
          // Hidden as the base indexed it: its words are known and stop counting for spelling.
          if (this.base.hashes[baseDoc] === hash) this.hiddenWords.set(baseDoc, this.wordsOf(p));
        }
        counts.removed++;
        continue;
      }
      if (inDelta !== undefined ? this.hashes[inDelta] === hash : baseLive && this.base.hashes[baseDoc] === hash) {
        counts.unchanged++;
        continue;
      }
      if (inDelta === undefined && baseDoc !== undefined && !baseLive && this.base.hashes[baseDoc] === hash) {
        // Shown again, unchanged since the base was built: the base document serves again.
        this.baseLive![baseDoc] = 1;
        this.tombstoneCount--;
        this.hiddenWords.delete(baseDoc);
        this.cached = null;
        counts.added++;
        continue;
      }
      if (inDelta !== undefined) this.kill(inDelta);
      if (baseLive) this.tombstone(baseDoc);
      if (inDelta !== undefined || baseDoc !== undefined) counts.changed++;
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

  private isBaseLive(doc: number): boolean {
    return this.baseLive === null || this.baseLive[doc] === 1;
  }

  private tombstone(doc: number): void {
    if (!this.baseLive) this.baseLive = new Uint8Array(this.base.engine.docCount).fill(1);
    this.baseLive[doc] = 0;
    this.tombstoneCount++;
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

  /** The base and the delta as segments to rank over (the delta's index is rebuilt when it changed). */
  segments(): Segment[] {
    return this.collection().segments;
  }

  /** The segments with the live papers' names and spelling words (rebuilt when the delta changed). */
  collection(): Collection {
    if (this.cached) return this.cached;
    const baseEngine = this.base.engine;
    const base: Segment = { engine: baseEngine, offset: 0, live: this.baseLive };
    const docCount = this.liveCount;
    const n = this.ids.length;
    const dead = new Uint8Array(n);
    dead.set(this.dead.subarray(0, Math.min(n, this.dead.length)));
    if (!n) {
      const segments = [base];
      const spelling = this.hiddenWords.size ? this.spelling(dead, docCount).lookup : baseEngine.spelling;
      return (this.cached = { segments, docCount, names: new SegmentNames(segments), spelling });
    }
    const spelling = this.spelling(dead, docCount);
    const lexical = this.builder.build({ statistics: this.statistics, dead });
    // A superseded document keeps its number but not its id, so looking the id up finds the live version.
    const table = docTable(this.ids.map((id, d) => ({ id: dead[d] ? '' : id, day: this.days[d] })));
    const vectors = this.dimensions ? QuantizedVectors.from(concat(this.vectors, this.dimensions), this.dimensions) : null;
    const vocabulary = { spelling: spelling.added, authorNames: this.names.build(dead) };
    const engine = new SearchEngine(lexical, table, vectors, null, baseEngine.hybrid, vocabulary);
    const live = dead.map((x) => 1 - x);
    // The collection's statistics: base plus delta (tombstoned base documents keep counting until the merge).
    const statsDocs = baseEngine.lexical.docCount + this.byId.size;
    const df = (index: typeof lexical, term: string) => {
      const id = lookupTerm(index, term);
      return id === undefined ? 0 : documentFrequency(index, id);
    };
    const idf = (term: string) => {
      const n = df(baseEngine.lexical, term) + df(lexical, term);
      return n ? bm25Idf(statsDocs, n) : undefined;
    };
    const weightScale = (term: string) => {
      const own = baseEngine.idf(term);
      return own ? idf(term)! / own : 1;
    };
    const segments = [
      { ...base, idf, weightScale },
      { engine, offset: baseEngine.docCount, live, idf },
    ];
    return (this.cached = { segments, docCount, names: new SegmentNames(segments), spelling: spelling.lookup });
  }

  /**
   * The live papers' spelling dictionary: the base's, plus the words of live delta papers (their own small
   * dictionary, also the delta engine's), minus the words of hidden base papers.
   */
  private spelling(dead: Uint8Array, docCount: number) {
    const counts = new Int32Array(this.words.size);
    this.docWords.forEach((words, d) => {
      if (!dead[d]) for (const w of words) counts[w]++;
    });
    for (const words of this.hiddenWords.values()) for (const w of words) counts[w]--;
    const entries: { word: string; df: number }[] = [];
    const removed = new Map<string, number>();
    counts.forEach((c, w) => {
      if (c > 0) entries.push({ word: this.words.word(w), df: c });
      else if (c < 0) removed.set(this.words.word(w), -c);
    });
    const added = buildSpellingData(entries);
    return { added, lookup: new AdjustedSpelling(this.base.engine.spelling, new SpellingDictionary(added), removed, spellingMinDf(docCount)) };
  }
}

function concat(vectors: Float32Array[], dimensions: number): Float32Array {
  const out = new Float32Array(vectors.length * dimensions);
  vectors.forEach((v, i) => {
    out.set(v, i * dimensions);
  });
  return out;
}
