// Text derived from each paper at index time and stored beside it: keyphrases (keyphrases.ts) and, for papers
// without an imported ai_summary, an extractive TL;DR (tldr.ts). Only papers whose derived text is missing,
// predates their last change or came from another extractor version are read, so after the first build a
// rebuild derives only new and changed papers. Storing it does not change the paper's modified_at.
import type { Database } from '../db/connect.ts';
import { saveDerivedText, streamPapersToDerive, type DerivedText } from '../db/search.ts';
import { keyphrasesOf, type PhraseStatistics } from './keyphrases.ts';
import { readProse } from './text/prose.ts';
import { extractiveTldr } from './tldr.ts';

/** Bumped when the extractors change, so stored keyphrases and TL;DRs are derived again. */
export const DERIVED_TEXT_VERSION = 1;

export function deriveText(
  stats: PhraseStatistics,
  paper: { title: string; abstract: string; hasSummary: boolean },
): { keywords: string[]; tldr: string | null } {
  const abstract = readProse(paper.abstract);
  return {
    keywords: keyphrasesOf(stats, readProse(paper.title), abstract),
    tldr: paper.hasSummary ? null : extractiveTldr(stats, paper.title, abstract),
  };
}

/**
 * Derives and stores what is missing or stale (among `onlyIds` when given: the papers a search delta just took in,
 * up to a few hundred at a time); returns how many papers were done.
 */
export async function deriveMissingText(database: Database, stats: PhraseStatistics, log?: (m: string) => void, onlyIds?: string[]): Promise<number> {
  let done = 0;
  const started = Date.now();
  let reported = started;
  // Small pages: an in-process build (EMBEDDER=onnx, the CLI) gives the event loop a turn between them.
  for await (const page of streamPapersToDerive(database, DERIVED_TEXT_VERSION, 250, onlyIds)) {
    const rows: DerivedText[] = page.map((p) => ({ id: p.id, ...deriveText(stats, p), from: p.modifiedAt }));
    await saveDerivedText(database, rows, DERIVED_TEXT_VERSION);
    done += rows.length;
    if (log && Date.now() - reported > 10_000) {
      reported = Date.now();
      log(`search: keyphrases and TL;DRs derived for ${done} papers so far`);
    }
  }
  if (done) log?.(`search: keyphrases and TL;DRs derived for ${done} papers in ${Date.now() - started} ms`);
  return done;
}
