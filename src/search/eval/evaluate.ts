// Retrieval evaluation on a BEIR dataset: the corpus goes into a throwaway SQLite store, a SearchService is
// built over it exactly as in production (lexical index, corpus-trained embedder, vectors), every query is run
// in each mode, and nDCG@10 / recall@100 / MRR@10 are computed against the qrels.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../../db/connect.ts';
import { migrate } from '../../db/migrate.ts';
import { upsertPapers } from '../../db/papers.ts';
import type { Paper } from '../../domain/paper.ts';
import { DatabaseSearchService } from '../service.ts';
import type { SearchMode } from '../types.ts';
import type { BeirDataset } from './beir.ts';
import { evaluateRun, type Run, type Scores } from './metrics.ts';

export interface EvalOptions {
  modes: SearchMode[];
  embedder?: 'corpus' | 'onnx' | 'none';
  onnxModelDir?: string;
  log?: (m: string) => void;
}

export interface EvalReport {
  mode: SearchMode;
  scores: Scores;
  /** Mean milliseconds per query. */
  msPerQuery: number;
}

function beirPaper(doc: { id: string; title: string; text: string }): Paper {
  return {
    id: doc.id,
    version: 1,
    title: doc.title || doc.id,
    abstract: doc.text,
    authors: [],
    categories: [],
    submittedAt: null,
    updatedAt: null,
    announcedOn: null,
    versions: [],
    comments: null,
    journalRef: null,
    doi: null,
    license: null,
    codeUrl: null,
    projectUrl: null,
  };
}

export async function evaluateBeir(dataset: BeirDataset, options: EvalOptions): Promise<EvalReport[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperfeed-eval-'));
  const database = connect({ sqlitePath: path.join(dir, 'eval.sqlite') });
  try {
    await migrate(database);
    for (let i = 0; i < dataset.corpus.length; i += 2_000) await upsertPapers(database, dataset.corpus.slice(i, i + 2_000).map(beirPaper));
    const service = new DatabaseSearchService(database, {
      dataDir: dir,
      embedder: options.embedder ?? 'corpus',
      onnxModelDir: options.onnxModelDir,
      refreshIntervalMs: Number.MAX_SAFE_INTEGER,
      minRebuildIntervalMs: 0,
      trainIfMissing: true,
      log: options.log,
    });
    await service.refresh();
    const reports: EvalReport[] = [];
    for (const mode of options.modes) {
      if (mode !== 'lexical' && !service.embedder) continue;
      const run: Run = new Map();
      const started = performance.now();
      for (const qid of dataset.qrels.keys()) {
        const result = await service.search(dataset.queries.get(qid) ?? '', { limit: 100, mode });
        run.set(
          qid,
          result.hits.map((h) => h.id),
        );
      }
      reports.push({ mode, scores: evaluateRun(run, dataset.qrels), msPerQuery: (performance.now() - started) / Math.max(1, dataset.qrels.size) });
    }
    return reports;
  } finally {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
