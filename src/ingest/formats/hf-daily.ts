// One Hugging Face `/api/daily_papers?date=YYYY-MM-DD` response: a JSON array of
// {paper:{id, title, summary, authors[{name}], publishedAt, upvotes, submittedOnDailyAt, submittedOnDailyBy,
// ai_summary, ai_keywords, githubRepo, githubStars, projectPage}, numComments, submittedBy, …}.
// Fields were added over the years, so every one but the id and title is optional.
import { repositoryUrl } from '../../domain/links.ts';
import type { DailyEntry, PaperInput } from '../../domain/paper.ts';
import { RecordError, UnusableInputError } from './errors.ts';
import { JsonArrayReader } from './json-array.ts';
import { parseHfPeople } from './hf-people.ts';
import { describe, isObject, num, str, strings, type JsonObject } from './json-record.ts';

export interface HfDailyItem {
  paper: PaperInput;
  /** `paperId` is the id as the feed wrote it; the importer replaces it with the normalised id. */
  entry: DailyEntry;
}

export type HfDailyResult = HfDailyItem | { error: string };

// A real day lists at most 100 papers (the API's page limit); the caps only stop hostile or broken documents.
export const MAX_DAILY_RECORDS = 10_000;
const MAX_DAILY_RECORD_BYTES = 8 * 1024 * 1024;
const WRAPPER_KEYS = new Set(['status', 'date', 'count', 'data']);

/**
 * One response read as a stream of records (JsonArrayReader), so a file of millions of records is cut off at
 * MAX_DAILY_RECORDS instead of being parsed whole. `fileDay` (from the file name, YYYY-MM-DD) dates entries
 * that lack submittedOnDailyAt. `write` and `end` throw UnusableInputError when the document is not an API
 * response at all (the crawls that saved Python reprs or a wrapper object), is invalid JSON, or passes a cap;
 * the records returned before that stand.
 */
export class HfDailyReader {
  private readonly array = new JsonArrayReader({
    maxElements: MAX_DAILY_RECORDS,
    maxElementBytes: MAX_DAILY_RECORD_BYTES,
    objectRoot: (firstKey) =>
      firstKey !== null && WRAPPER_KEYS.has(firstKey)
        ? 'a {status, date, count, data} wrapper, not a daily_papers API response'
        : 'expected a JSON array of daily papers, got an object',
  });
  private records = 0;

  constructor(private readonly fileDay: string | null) {}

  write(chunk: Uint8Array | string): HfDailyResult[] {
    return this.array.write(chunk).map((item) => {
      if (this.records++ === 0 && typeof item === 'string') throw new UnusableInputError('a list of strings (Python reprs?), not daily_papers API JSON');
      try {
        return parseItem(item, this.fileDay);
      } catch (e) {
        if (e instanceof RecordError) return { error: e.message };
        throw e;
      }
    });
  }

  end(): void {
    this.array.end();
  }
}

/** A whole response held in memory (the Hugging Face sync's body), read by the same streaming reader. */
export function parseHfDailyResponse(text: string, fileDay: string | null): HfDailyResult[] {
  const reader = new HfDailyReader(fileDay);
  const results = reader.write(text);
  reader.end();
  return results;
}

const ISO_DAY_PREFIX = /^(\d{4}-\d{2}-\d{2})/;
// Bounds for the feed's free-text signals, so one odd entry cannot bloat a paper row.
const MAX_KEYWORDS = 50;
const MAX_KEYWORD_LENGTH = 200;
const MAX_SUMMARY_LENGTH = 5_000;
const MAX_URL_LENGTH = 1_000;

function parseItem(item: unknown, fileDay: string | null): HfDailyItem {
  if (!isObject(item)) throw new RecordError(`expected an object, got ${describe(item)}`);
  const p = item.paper;
  if (!isObject(p)) throw new RecordError('no "paper" object');
  const id = str(p.id);
  if (!id) throw new RecordError('paper has no id');
  const submittedAt = str(p.submittedOnDailyAt);
  const day = ISO_DAY_PREFIX.exec(submittedAt ?? '')?.[1] ?? fileDay;
  if (!day) throw new RecordError('no day: neither submittedOnDailyAt nor a YYYY-MM-DD file name');
  const authors = (Array.isArray(p.authors) ? p.authors : []).flatMap((a) => (isObject(a) && typeof a.name === 'string' ? [a.name] : []));
  const stars = num(p.githubStars);
  const aiSummary = str(p.ai_summary)?.trim() || null;
  if (aiSummary && aiSummary.length > MAX_SUMMARY_LENGTH) throw new RecordError(`ai_summary longer than ${MAX_SUMMARY_LENGTH} characters`);
  return {
    paper: {
      id,
      title: str(p.title) ?? str(item.title) ?? '',
      abstract: str(p.summary) ?? str(item.summary) ?? '',
      authors,
      submittedAt: str(p.publishedAt) ?? str(item.publishedAt),
    },
    entry: {
      paperId: id,
      day,
      submittedAt,
      submittedBy: submitterName(item.submittedBy) ?? submitterName(p.submittedOnDailyBy),
      upvotes: Math.max(0, Math.trunc(num(p.upvotes) ?? 0)),
      numComments: Math.max(0, Math.trunc(num(item.numComments) ?? 0)),
      githubRepo: url(p.githubRepo, repositoryUrl),
      githubStars: stars === null ? null : Math.max(0, Math.trunc(stars)),
      projectPage: url(p.projectPage, (u) => u),
      keywords: strings(p.ai_keywords)
        .map((k) => k.trim())
        .filter((k) => k && k.length <= MAX_KEYWORD_LENGTH)
        .slice(0, MAX_KEYWORDS),
      aiSummary,
      source: 'hf',
      people: parseHfPeople(item, p),
    },
  };
}

/** An http(s) URL of sane length, optionally normalised (a repository to https://host/owner/repo); else null. */
function url(v: unknown, normalise: (u: string) => string | null): string | null {
  const u = str(v)?.trim();
  if (!u || u.length > MAX_URL_LENGTH || !/^https?:\/\//i.test(u)) return null;
  return normalise(u) ?? u;
}

/** The submitter's user name (`name` in submittedBy, `user` in submittedOnDailyBy), else their full name. */
function submitterName(v: unknown): string | null {
  if (!isObject(v)) return null;
  const u = v as JsonObject;
  return str(u.name) || str(u.user) || str(u.fullname) || null;
}
