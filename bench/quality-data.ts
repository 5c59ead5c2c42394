// The real collections the quality benchmarks measure on, read from ../shared/data:
// - the whole store a user gets from importing the shared data: the 74,728 listing papers plus the Hugging Face
//   daily papers that are not in the listings (about 80k), each indexed from title, abstract and authors only;
// - the Hugging Face entries that carry an `ai_summary` (a one-sentence paraphrase written by a language model)
//   and `ai_keywords`, which are what the paraphrase known-item set and the keyphrase/TL;DR checks compare with.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseHfDailyResponse } from '../src/ingest/formats/hf-daily.ts';
import { cleanText } from '../src/domain/paper.ts';
import { loadRealPapers } from './search.ts';

const HF_DAYS = path.resolve(import.meta.dirname, '../../shared/data/hf-daily-papers-api/days');

export interface StorePaper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  day: string;
}

export interface HfSignals {
  id: string;
  aiSummary: string | null;
  aiKeywords: string[];
}

export interface QualityData {
  /** Listing papers first (in their file order), then the Hugging Face papers not in the listings. */
  papers: StorePaper[];
  /** One per paper id, first entry seen. */
  hf: Map<string, HfSignals>;
}

export function loadQualityData(): QualityData {
  if (!fs.existsSync(HF_DAYS)) throw new Error(`${HF_DAYS} is missing: the quality benchmarks need ../shared/data`);
  const papers: StorePaper[] = loadRealPapers();
  const known = new Set(papers.map((p) => p.id));
  const hf = new Map<string, HfSignals>();
  for (const file of fs
    .readdirSync(HF_DAYS)
    .filter((f) => f.endsWith('.json.gz'))
    .sort()) {
    let items: ReturnType<typeof parseHfDailyResponse>;
    try {
      items = parseHfDailyResponse(zlib.gunzipSync(fs.readFileSync(path.join(HF_DAYS, file))).toString('utf8'), file.slice(0, 10));
    } catch {
      continue; // the crawls that saved Python reprs instead of API JSON (see ../shared/data/README.md)
    }
    for (const item of items) {
      if ('error' in item || hf.has(item.paper.id)) continue;
      const { paper, entry } = item;
      hf.set(paper.id, { id: paper.id, aiSummary: entry.aiSummary, aiKeywords: entry.keywords });
      if (known.has(paper.id)) continue;
      known.add(paper.id);
      papers.push({
        id: paper.id,
        title: cleanText(paper.title),
        abstract: cleanText(paper.abstract),
        authors: paper.authors ?? [],
        categories: [],
        day: entry.day,
      });
    }
  }
  return { papers, hf };
}
