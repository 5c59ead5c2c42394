// Compaction: several small stored segments (flushed deltas: service.ts) joined into one, so that a query visits few
// segments and nearest neighbours come from a graph rather than an exact scan of each. The joined segment is built
// like a full build's, from the papers table, but only over the live papers of those segments and with its own
// statistics (rescaled at query time as every stored segment is: segments.ts); each paper's vector is carried over
// from its segment (the same int8 codes, so nothing is embedded again and no model is needed). A paper whose row
// has changed since its segment stored it, or that is hidden now, is left out: the polling delta has it (or has
// dropped it) already, since such a change is newer than the generation's high-water mark. The new generation keeps
// every other segment as it is (by link, with its live mask) and replaces the joined ones.
//
// Its memory is that of a build over the joined papers only (the policy in service.ts keeps them to a tenth of the
// collection), never the whole index's.
//
// Also here: giving a flushed delta its ANN graph, built later in the worker from the vectors it stored.
import type { Database } from '../db/connect.ts';
import { indexablePapersByIds, type IndexablePaper } from '../db/search.ts';
import { contentHash } from './delta.ts';
import { IndexesBuilder, SearchEngine } from './engine.ts';
import { QuantizedVectors } from './semantic/quantized.ts';
import { ANN_MIN_DOCS } from './semantic/prepare.ts';
import { HnswIndex } from './semantic/vector-index.ts';
import { readLiveMask, readManifest, readStoredSegment, segmentOf, writeGeneration, type LoadedSegment, type SegmentContent } from './snapshot.ts';

/** Papers read from the store per query; the event loop is yielded between pages (a compaction in the app thread). */
const PAGE = 500;

/** An HNSW graph over stored vectors, decoded from their int8 codes (the vectors the segment ranks with). */
function buildGraph(vectors: QuantizedVectors): HnswIndex {
  const floats = new Float32Array(vectors.count * vectors.dimensions);
  for (let d = 0; d < vectors.count; d++) floats.set(vectors.vector(d), d * vectors.dimensions);
  return HnswIndex.build(floats, vectors.dimensions);
}

/**
 * Builds the joined segment: `ids` are the live papers of the sources; `add` takes their current rows (in pages,
 * in any order) and keeps those unchanged since stored; `build` makes the segment.
 */
export class SegmentJoiner {
  /** Each live paper of the sources: where it is stored. */
  private readonly stored = new Map<string, { source: number; doc: number }>();
  private readonly builder: IndexesBuilder;
  private readonly modified: number[] = [];
  private readonly hashes: number[] = [];
  private readonly from: { source: number; doc: number }[] = [];

  constructor(
    private readonly sources: readonly LoadedSegment[],
    /** The generation's vector dimensions (0: none). */
    private readonly dimensions: number,
  ) {
    sources.forEach(({ content, live }, source) => {
      for (let doc = 0; doc < content.docs.ids.count; doc++) if (!live || live[doc]) this.stored.set(content.docs.ids.id(doc), { source, doc });
    });
    // Every word counts for spelling: the segment's counts add up with the other segments'.
    this.builder = new IndexesBuilder(sources[0].content.lexical.params, { minWordDf: 1 });
  }

  /** The live papers of the joined segments, in id order (a full build's order). */
  get ids(): string[] {
    return [...this.stored.keys()].sort();
  }

  add(rows: readonly IndexablePaper[]): void {
    for (const paper of rows) {
      const at = this.stored.get(paper.id);
      if (!at) continue;
      const docs = this.sources[at.source].content.docs;
      if (paper.hidden || contentHash(paper) !== docs.hashes[at.doc]) continue;
      this.builder.add(paper);
      this.modified.push(docs.modified[at.doc]);
      this.hashes.push(docs.hashes[at.doc]);
      this.from.push(at);
    }
  }

  build(): SegmentContent {
    const engine = SearchEngine.from(this.builder.build());
    const dims = this.dimensions;
    const n = this.from.length;
    if (dims && this.sources.every((s) => s.content.vectors?.dimensions === dims)) {
      const codes = new Int8Array(n * dims);
      const scales = new Float32Array(n);
      this.from.forEach(({ source, doc }, d) => {
        const parts = this.sources[source].content.vectors!.parts();
        codes.set(parts.codes.subarray(doc * dims, (doc + 1) * dims), d * dims);
        scales[d] = parts.scales[doc];
      });
      engine.vectors = QuantizedVectors.fromParts(dims, { codes, scales });
      if (n >= ANN_MIN_DOCS) engine.vectorIndex = buildGraph(engine.vectors);
    }
    return segmentOf(engine, Float64Array.from(this.modified), Uint32Array.from(this.hashes));
  }
}

export interface UpkeepRequest {
  dataDir: string;
  /** The generation whose segments are joined or given a graph: the current one. */
  generation: string;
  /** The ids of the segments to join, or to give a graph. */
  segments: string[];
  log?: (message: string) => void;
  /** Segments this thread holds already (by id): not read again. */
  loaded?: ReadonlyMap<string, SegmentContent>;
}

/** Joins the segments into one and writes the generation that holds it; returns the generation's name. */
export async function compactSegments(database: Database, request: UpkeepRequest): Promise<string> {
  const { dataDir, generation, log } = request;
  const started = Date.now();
  const manifest = readManifest(dataDir, generation);
  const joined = manifest.segments.filter((s) => request.segments.includes(s.id));
  if (joined.length !== request.segments.length) throw new Error(`generation ${generation} does not hold every segment of ${request.segments.join(', ')}`);
  const sources = [];
  for (const segment of joined) sources.push(await readStoredSegment(dataDir, generation, segment, request.loaded?.get(segment.id)));
  const joiner = new SegmentJoiner(sources, manifest.embedder?.dimensions ?? 0);
  const ids = joiner.ids;
  for (let i = 0; i < ids.length; i += PAGE) {
    joiner.add(await indexablePapersByIds(database, ids.slice(i, i + PAGE)));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const content = joiner.build();
  const keep = [];
  for (const segment of manifest.segments) {
    if (!joined.includes(segment)) keep.push({ id: segment.id, live: await readLiveMask(dataDir, generation, segment) });
  }
  const written = writeGeneration(dataDir, {
    papers: manifest.papers,
    embedder: manifest.embedder,
    from: { generation, keep },
    add: [{ content, level: 1 + Math.max(...joined.map((s) => s.level ?? 0)) }],
    hiddenWords: manifest.hiddenWords.filter((h) => !request.segments.includes(h.segment)),
  });
  log?.(`search: ${joined.length} segments joined into one of ${content.docs.ids.count} papers (${written}) in ${Date.now() - started} ms`);
  return written;
}

/**
 * Builds the ANN graph of segments written without one (a flushed delta of ANN_MIN_DOCS papers or more: the flush
 * itself must not stall the app thread for it) from their stored vectors, and writes the generation that holds
 * them, every segment otherwise as it was. Returns the generation's name.
 */
export async function addGraphs(request: UpkeepRequest): Promise<string> {
  const { dataDir, generation, log } = request;
  const started = Date.now();
  const manifest = readManifest(dataDir, generation);
  const keep = [];
  for (const segment of manifest.segments) {
    let graph: HnswIndex | undefined;
    if (request.segments.includes(segment.id)) {
      const { vectors } = (await readStoredSegment(dataDir, generation, segment, request.loaded?.get(segment.id))).content;
      if (!vectors) throw new Error(`segment ${segment.id} has no vectors to build a graph of`);
      graph = buildGraph(vectors);
    }
    keep.push({ id: segment.id, live: await readLiveMask(dataDir, generation, segment), graph });
  }
  const written = writeGeneration(dataDir, {
    papers: manifest.papers,
    embedder: manifest.embedder,
    from: { generation, keep },
    add: [],
    hiddenWords: manifest.hiddenWords,
  });
  log?.(`search: ANN graph built for ${request.segments.length} segment${request.segments.length === 1 ? '' : 's'} (${written}) in ${Date.now() - started} ms`);
  return written;
}
