// A full build of the search snapshot from the papers table: read every visible paper, build the lexical index,
// load or train the embedder, embed (reusing cached vectors of unchanged papers), build the ANN graph, and write it
// all as a new snapshot generation (snapshot.ts). Runs in the build worker thread under `serve`
// (worker-build-thread.ts) and in the caller's thread for the CLI, eval and tests.
import type { Database } from '../db/connect.ts';
import { streamIndexablePapers, type IndexablePaper } from '../db/search.ts';
import { contentHash } from './delta.ts';
import { SearchEngine } from './engine.ts';
import type { LexicalIndex } from './lexical/index.ts';
import { paperText, type Embedder } from './semantic/embedder.ts';
import { attachVectors, loadEmbedder, type EmbedderChoice } from './semantic/prepare.ts';
import { HnswIndex } from './semantic/vector-index.ts';
import { writeSnapshot, type SnapshotContent } from './snapshot.ts';

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

/** Every visible paper, and the stamp to look for later changes from (the moment the read started). */
export async function readIndexablePapers(database: Database): Promise<{ papers: IndexablePaper[]; highWater: string }> {
  const highWater = new Date().toISOString();
  const papers: IndexablePaper[] = [];
  for await (const page of streamIndexablePapers(database, null)) for (const p of page) if (!p.hidden) papers.push(p);
  return { papers, highWater };
}

export async function buildSnapshot(papers: IndexablePaper[], highWater: string, choice: EmbedderChoice, hooks: BuildHooks = {}): Promise<BuiltSnapshot> {
  const { log } = hooks;
  const started = Date.now();
  const engine = SearchEngine.build(papers);
  log?.(`search: lexical index over ${papers.length} papers in ${Date.now() - started} ms`);
  const content: SnapshotContent = {
    lexical: engine.lexical,
    vocabulary: engine.vocabulary,
    docs: {
      ids: engine.ids,
      days: engine.days,
      years: engine.years,
      modified: Float64Array.from(papers, (p) => Date.parse(p.modifiedAt)),
      hashes: Uint32Array.from(papers, contentHash),
    },
    vectors: null,
    ann: null,
    annFile: null,
    papers: { count: papers.length, highWater },
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
    embedder = await loadEmbedder(
      choice,
      papers.map((p) => paperText(p.title, p.abstract)),
    );
  } catch (e) {
    log?.(`search: embedder unavailable (${(e as Error).message}); lexical only`);
  }
  if (embedder) {
    await attachVectors(engine, embedder, papers, choice.dataDir, log);
    content.vectors = engine.vectors;
    content.ann = engine.vectorIndex instanceof HnswIndex ? engine.vectorIndex : null;
    content.embedder = { id: embedder.id, dimensions: embedder.dimensions };
  }
  const writing = Date.now();
  const generation = writeSnapshot(choice.dataDir, content);
  log?.(`search: snapshot ${generation} written in ${Date.now() - writing} ms (${papers.length} papers${embedder ? `, ${embedder.id}` : ', lexical only'})`);
  await hooks.onSnapshot?.(generation, true);
  return { generation, content, embedder };
}
