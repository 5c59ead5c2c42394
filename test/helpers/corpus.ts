// The committed fixture corpus (test/fixtures/corpus/, described in its README) and the choice every data-driven
// test makes between it and the real data in ../shared/data. The corpus is laid out like ../shared/data, so the
// same readers serve both; tests on the fixtures always run, tests on the real data skip when it is absent.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Database } from '../../src/db/connect.ts';
import { importPaths, type ImportSummary } from '../../src/ingest/import.ts';
import { hasSharedData, sharedPath } from './shared-data.ts';

export const CORPUS = path.resolve(import.meta.dirname, '../fixtures/corpus');

export interface DataSource {
  name: 'fixtures' | 'shared';
  /** How a test title names it. */
  label: string;
  available: boolean;
}

export const FIXTURES: DataSource = { name: 'fixtures', label: 'the committed fixtures', available: true };
export const SHARED: DataSource = { name: 'shared', label: 'the real data in ../shared/data (skipped without it)', available: hasSharedData };
export const DATA_SOURCES: DataSource[] = [FIXTURES, SHARED];

/** Imports the whole corpus (listings, Hugging Face days, the older papers) with the real importer. */
export function importCorpus(database: Database): Promise<ImportSummary> {
  return importPaths(database, [CORPUS]);
}

/** A file of the corpus or of ../shared/data, by its path inside them (the corpus's files are not gzipped). */
export function sourcePath(source: DataSource, ...parts: string[]): string {
  if (source.name === 'shared') return sharedPath(...parts);
  const file = path.join(CORPUS, ...parts).replace(/\.gz$/, '');
  if (!fs.existsSync(file)) throw new Error(`no ${path.relative(CORPUS, file)} in the fixture corpus`);
  return file;
}

/** One line of a daily listing file (arxiv-daily-listings/days/YYYY-MM-DD.jsonl[.gz]). */
export interface ListingRow {
  id: string;
  categories: string[];
  authors: string[];
  title: string;
  comment: string | null;
  summary: string;
}

/** One announcement day of the listings, each paper once (the real crawl repeats some). */
export function listingDay(source: DataSource, day: string): ListingRow[] {
  const file = sourcePath(source, 'arxiv-daily-listings', 'days', `${day}.jsonl.gz`);
  const raw = fs.readFileSync(file);
  const text = (file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
  const seen = new Set<string>();
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ListingRow)
    .filter((r) => !seen.has(r.id) && seen.add(r.id));
}

/** A corpus paper as arXiv's own interfaces (OAI-PMH arXivRaw, the API's Atom) describe it. */
export interface ArxivRecord {
  id: string;
  submitter: string;
  /** Dates as arXiv writes them in arXivRaw (RFC 2822), oldest first. */
  versions: string[];
  title: string;
  authors: string[];
  categories: string[];
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  abstract: string;
}

/**
 * Every paper of the corpus as arXiv would describe it: the listed papers, submitted the weekday before their
 * announcement (every third one revised three days after), then the older papers with their recorded versions.
 */
export function corpusArxivRecords(): ArxivRecord[] {
  const days = fs
    .readdirSync(path.join(CORPUS, 'arxiv-daily-listings', 'days'))
    .map((f) => f.slice(0, 10))
    .sort();
  const listed = days.flatMap((day) =>
    listingDay(FIXTURES, day).map((row, i): ArxivRecord => {
      const submitted = previousWeekday(day, 17 + (i % 4), (i * 7) % 60);
      const revised = new Date(Date.parse(`${day}T10:15:00Z`) + 3 * 86_400_000);
      return {
        id: row.id,
        submitter: row.authors[0],
        versions: i % 3 === 2 ? [submitted.toUTCString(), revised.toUTCString()] : [submitted.toUTCString()],
        title: row.title,
        authors: row.authors,
        categories: row.categories,
        comments: row.comment,
        journalRef: null,
        doi: null,
        abstract: row.summary,
      };
    }),
  );
  const older = fs
    .readFileSync(path.join(CORPUS, 'arxiv-kaggle-snapshot', 'older-papers.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line): ArxivRecord => {
      const k = JSON.parse(line) as KaggleRecord;
      return {
        id: k.id,
        submitter: k.submitter,
        versions: k.versions.map((v) => v.created),
        title: k.title,
        authors: k.authors_parsed.map(([last, first]) => `${first} ${last}`.trim()),
        categories: k.categories.split(' '),
        comments: k.comments,
        journalRef: k['journal-ref'],
        doi: k.doi,
        abstract: k.abstract.trim(),
      };
    });
  return [...listed, ...older];
}

interface KaggleRecord {
  id: string;
  submitter: string;
  title: string;
  comments: string | null;
  'journal-ref': string | null;
  doi: string | null;
  categories: string;
  abstract: string;
  versions: { version: string; created: string }[];
  authors_parsed: string[][];
}

function previousWeekday(day: string, hour: number, minute: number): Date {
  const d = new Date(`${day}T00:00:00Z`);
  do d.setUTCDate(d.getUTCDate() - 1);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
  d.setUTCHours(hour, minute, 0);
  return d;
}
