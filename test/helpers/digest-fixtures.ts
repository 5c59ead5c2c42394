// Real papers for digest tests: a few days of the arXiv listings and the Hugging Face daily papers from
// ../shared/data, stored through the same parsers and store functions the importers use.
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Database } from '../../src/db/connect.ts';
import { upsertDailyEntries, upsertPapers } from '../../src/db/papers.ts';
import { normalizePaper, type DailyEntry, type Paper } from '../../src/domain/paper.ts';
import { parseListingLine } from '../../src/ingest/formats/daily-listing.ts';
import { parseHfDailyResponse } from '../../src/ingest/formats/hf-daily.ts';
import { sharedPath } from './shared-data.ts';

export async function loadListingDays(database: Database, days: string[]): Promise<number> {
  const papers: Paper[] = [];
  for (const day of days) {
    const file = sharedPath('arxiv-daily-listings', 'days', `${day}.jsonl.gz`);
    if (!fs.existsSync(file)) continue;
    for (const line of zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        papers.push(normalizePaper(parseListingLine(line, day)));
      } catch {
        // a malformed record is the importer's concern, not the digest's
      }
    }
  }
  await upsertPapers(database, papers);
  return papers.length;
}

export async function loadHfDays(database: Database, days: string[]): Promise<number> {
  const papers: Paper[] = [];
  const entries: DailyEntry[] = [];
  for (const day of days) {
    const file = sharedPath('hf-daily-papers-api', 'days', `${day}.json.gz`);
    if (!fs.existsSync(file)) continue;
    for (const item of parseHfDailyResponse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'), day)) {
      if ('error' in item) continue;
      try {
        const paper = normalizePaper(item.paper);
        papers.push(paper);
        entries.push({ ...item.entry, paperId: paper.id });
      } catch {
        // skipped like the importer does
      }
    }
  }
  await upsertPapers(database, papers);
  await upsertDailyEntries(database, entries);
  return entries.length;
}
