// A full build of the search snapshot from the papers table: stream every visible paper into the lexical index,
// load or train the embedder, embed (reusing cached vectors of unchanged papers; the others' text read in a second
// pass), build the ANN graph, and write it all as a new snapshot generation (snapshot.ts). Runs in the build worker thread under `serve`
// (worker-build-thread.ts) and in the caller's thread for the CLI, eval and tests.
import type { Database } from '../db/connect.ts';
import { countVisiblePapers, streamIndexablePapers, type IndexablePaper } from '../db/search.ts';
import { contentHash } from './delta.ts';
import { IndexesBuilder, SearchEngine } from './engine.ts';
import type { LexicalIndex } from './lexical/index.ts';
import type { PaperIds } from './paper-ids.ts';
import { DEFAULT_CORPUS_MODEL } from './semantic/corpus-embedder.ts';
import { paperText, type Embedder } from './semantic/embedder.ts';
import { attachVectors, loadEmbedder, type DocText, type EmbedderChoice } from './semantic/prepare.ts';
import { HnswIndex } from './semantic/vector-index.ts';
import { segmentOf, writeSnapshot, type SnapshotContent } from './snapshot.ts';

export interface BuildHooks {
  log?: (message: string) => void;
  /**
   * Write a lexical-only generation as soon as the lexical index exists (when nothing can answer yet), so searches
   * start before the embedder is trained; `onSnapshot` hears of it with complete = false.
   */
  lexicalFirst?: boolean;
  onSnapshot?: (generation: string, complete: boolean) => void | Promise<void>;
  /**
   * Derives and stores per-paper text (keyphrases, TL;DRs: derive.ts) from the new lexical index, before the
   * embedder trains; a failure is logged and the build goes on without it.
   */
  deriveText?: (lexical: LexicalIndex) => Promise<void>;
}

export interface BuiltSnapshot {
  generation: string;
  content: SnapshotContent;
  embedder: Embedder | null;
}

/**
 * Where a full build reads its papers. It reads them twice, once to index them and once more to embed those
 * without a cached vector, and keeps none of their text in between (2.8M papers' titles and abstracts are
 * about 3.5 GB, close to V8's default heap on its own).
 */
export interface PaperSource {
  /** How many papers are visible, near enough: it sets the stride of the embedder's training sample. */
  visibleCount(): Promise<number>;
  /** Every paper, hidden ones included, a page at a time, in the same order on every pass. */
  pages(): AsyncIterable<IndexablePaper[]>;
}

export function databasePapers(database: Database): PaperSource {
  return { visibleCount: () => countVisiblePapers(database), pages: () => streamIndexablePapers(database, null) };
}

/** A progress line at most this often during the long passes (minutes each at millions of papers). */
const PROGRESS_EVERY_MS = 10_000;

/**
 * The first pass: every visible paper into the indexes, with what change detection needs of each (its stamp and
 * content hash) and, for training the corpus embedder, the text of an even sample of them (every `stride`-th, as
 * trainCorpusModel would take from the whole list).
 */
async function indexPapers(source: PaperSource, sampleSize: number, log?: (m: string) => void) {
  const visible = await source.visibleCount();
  const stride = Math.max(1, Math.ceil(visible / Math.max(1, sampleSize)));
  const builder = new IndexesBuilder();
  const modifiedAt: string[] = [];
  const hashes: number[] = [];
  const training: string[] = [];
  let reported = Date.now();
  for await (const page of source.pages()) {
    for (const p of page) {
      if (p.hidden) continue;
      if (builder.count % stride === 0 && training.length < sampleSize) training.push(paperText(p.title, p.abstract));
      builder.add(p);
      modifiedAt.push(p.modifiedAt);
      hashes.push(contentHash(p));
    }
    if (log && Date.now() - reported > PROGRESS_EVERY_MS) {
      reported = Date.now();
      log(`search: indexed ${builder.count} of about ${visible} papers`);
    }
  }
  return { engine: SearchEngine.from(builder.build()), modifiedAt, hashes: Uint32Array.from(hashes), training };
}

/** The second pass: the text of the documents flagged in `wanted` (by document number), a page at a time. */
async function* textsOf(source: PaperSource, ids: PaperIds, wanted: Uint8Array): AsyncGenerator<DocText[]> {
  for await (const page of source.pages()) {
    const texts: DocText[] = [];
    for (const p of page) {
      const doc = ids.doc(p.id);
      if (doc !== undefined && wanted[doc]) texts.push({ doc, text: paperText(p.title, p.abstract) });
    }
    if (texts.length) yield texts;
  }
}

export async function buildSnapshot(source: PaperSource, choice: EmbedderChoice, hooks: BuildHooks = {}): Promise<BuiltSnapshot> {
  const { log } = hooks;
  // Changes from this moment on are the delta's (the pass below may or may not see them).
  const highWater = new Date().toISOString();
  const started = Date.now();
  const sampleSize = choice.embedder === 'corpus' ? (choice.corpusModel?.maxDocs ?? DEFAULT_CORPUS_MODEL.maxDocs) : 0;
  const { engine, modifiedAt, hashes, training } = await indexPapers(source, sampleSize, log);
  const count = engine.docCount;
  log?.(`search: lexical index over ${count} papers in ${Date.now() - started} ms`);
  const content: SnapshotContent = {
    ...segmentOf(
      engine,
      Float64Array.from(modifiedAt, (m) => Date.parse(m)),
      hashes,
    ),
    papers: { count, highWater },
    embedder: null,
  };
  if (hooks.lexicalFirst) await hooks.onSnapshot?.(writeSnapshot(choice.dataDir, content), false);
  if (hooks.deriveText) {
    try {
      await hooks.deriveText(engine.lexical);
    } catch (e) {
      log?.(`search: deriving keyphrases and TL;DRs failed (${(e as Error).message}); the next build retries`);
    }
  }
  let embedder: Embedder | null = null;
  try {
    embedder = await loadEmbedder(choice, training, count);
  } catch (e) {
    log?.(`search: embedder unavailable (${(e as Error).message}); lexical only`);
  }
  if (embedder) {
    await attachVectors(engine, embedder, modifiedAt, (wanted) => textsOf(source, engine.ids, wanted), choice.dataDir, log);
    content.vectors = engine.vectors;
    content.ann = engine.vectorIndex instanceof HnswIndex ? engine.vectorIndex : null;
    content.embedder = { id: embedder.id, dimensions: embedder.dimensions };
  }
  const writing = Date.now();
  const generation = writeSnapshot(choice.dataDir, content);
  log?.(`search: snapshot ${generation} written in ${Date.now() - writing} ms (${count} papers${embedder ? `, ${embedder.id}` : ', lexical only'})`);
  await hooks.onSnapshot?.(generation, true);
  return { generation, content, embedder };
}
