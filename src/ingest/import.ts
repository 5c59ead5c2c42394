// `paperfeed import`: reads files in any supported format, validates every record, and stores them in
// batches (one transaction each, so a record is stored whole or not at all). A bad record is reported with
// its file and position and skipped; a file that cannot be read at all is reported and the rest goes on.
import type { Database } from '../db/connect.ts';
import { storeImportBatch } from '../db/papers.ts';
import { normalizePaper, type DailyEntry, type Paper, type PaperInput } from '../domain/paper.ts';
import { dayFromFileName, detectFormat, type FormatName } from './detect.ts';
import { describeReadError, listInputFiles, peekText, readLineChunks, readWholeText, type InputFile } from './files.ts';
import { parseAtomFeed } from './formats/arxiv-atom.ts';
import { parseListingLine } from './formats/daily-listing.ts';
import { RecordError, UnusableInputError } from './formats/errors.ts';
import { parseHfDailyResponse } from './formats/hf-daily.ts';
import { parseKaggleLine } from './formats/kaggle-snapshot.ts';
import { parseOaiPmhResponse } from './formats/oai-pmh.ts';

export interface ImportOptions {
  /** Skip detection and read every file as this format. */
  format?: FormatName;
  /** Records per transaction. */
  batchSize?: number;
  /** How many record errors to keep with details (all are counted). */
  maxErrorDetails?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface RecordProblem {
  file: string;
  /** `line 12`, `record 3` or an OAI identifier. */
  where: string;
  reason: string;
}

export interface FileProblem {
  file: string;
  reason: string;
}

export interface ImportCounts {
  /** Records seen (lines, array items, OAI records, Atom entries). */
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Records that repeated an id earlier in the same batch and were merged into it. */
  merged: number;
  /** Records that carry no paper on purpose (deleted OAI records, identifier-only headers). */
  skipped: number;
  errors: number;
  /** Hugging Face daily-feed entries stored. */
  dailyEntries: number;
}

export interface ImportProgress extends ImportCounts {
  file: string;
  fileIndex: number;
  files: number;
  elapsedSeconds: number;
}

export interface ImportSummary extends ImportCounts {
  files: number;
  /** Files read per format. */
  formats: Partial<Record<FormatName, number>>;
  /** Files that could not be used at all (malformed document, truncated gzip, unknown format in a folder). */
  unusableFiles: FileProblem[];
  /** The first `maxErrorDetails` record errors; `errors` counts all of them. */
  errorDetails: RecordProblem[];
  seconds: number;
  /** Valid records processed per second, end to end (read, validate, store). */
  papersPerSecond: number;
}

const DEFAULT_BATCH_SIZE = 5_000;
// A single API response (OAI page, Atom page, HF day) is a few MB; this bounds a mislabelled huge file.
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** True when the import stored or confirmed at least one record. */
export function importedAnything(summary: ImportSummary): boolean {
  return summary.inserted + summary.updated + summary.unchanged + summary.merged + summary.dailyEntries > 0;
}

/**
 * Imports files and folders. Throws UnusableInputError before storing anything when a path is missing or a
 * named file's format is unknown; everything else is reported in the summary.
 */
export async function importPaths(database: Database, paths: string[], options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const files = await planFiles(listInputFiles(paths), options.format);
  const run = new ImportRun(database, options, started, files.length);
  for (const [i, { file, format, problem }] of files.entries()) {
    run.startFile(file, i);
    if (problem || !format) {
      run.unusable(file, problem ?? 'unknown format');
      continue;
    }
    run.formats[format] = (run.formats[format] ?? 0) + 1;
    try {
      if (format === 'kaggle' || format === 'listing') await importLines(run, file, format);
      else await importDocument(run, file, format);
    } catch (e) {
      if (!(e instanceof UnusableInputError) && !isReadError(e)) throw e;
      // Records read before the damage are complete and stay in the batch; the file is reported.
      run.unusable(file, e instanceof UnusableInputError ? e.message : describeReadError(e));
    }
  }
  await run.flush();
  return run.summary();
}

interface PlannedFile {
  file: string;
  format: FormatName | null;
  problem: string | null;
}

async function planFiles(inputs: InputFile[], forced: FormatName | undefined): Promise<PlannedFile[]> {
  const planned: PlannedFile[] = [];
  for (const input of inputs) {
    const format = forced ?? detectFormat(await peekText(input.path));
    if (!format && input.named) {
      throw new UnusableInputError(`unknown format: ${input.path} (use --format kaggle|listing|oai|atom|hf-daily)`);
    }
    planned.push({ file: input.path, format, problem: format ? null : 'unknown format' });
  }
  return planned;
}

function isReadError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('E'));
}

/** The state of one import: counts, the batch being filled, and reporting. */
class ImportRun {
  readonly formats: Partial<Record<FormatName, number>> = {};
  private readonly counts: ImportCounts = { read: 0, inserted: 0, updated: 0, unchanged: 0, merged: 0, skipped: 0, errors: 0, dailyEntries: 0 };
  private readonly unusableFiles: FileProblem[] = [];
  private readonly errorDetails: RecordProblem[] = [];
  private papers: Paper[] = [];
  private entries: DailyEntry[] = [];
  private file = '';
  private fileIndex = 0;
  private readonly batchSize: number;
  private readonly maxErrorDetails: number;

  constructor(
    private readonly database: Database,
    private readonly options: ImportOptions,
    private readonly started: number,
    private readonly fileCount: number,
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.maxErrorDetails = options.maxErrorDetails ?? 20;
  }

  startFile(file: string, index: number) {
    this.file = file;
    this.fileIndex = index;
    this.progress();
  }

  /** Validates one record from a source; invalid records are counted and described, never thrown. */
  async add(where: string, parse: () => PaperInput, entry?: DailyEntry): Promise<void> {
    this.counts.read++;
    let paper: Paper;
    try {
      paper = normalizePaper(parse());
    } catch (e) {
      this.countError(where, e);
      return;
    }
    this.papers.push(paper);
    if (entry) this.entries.push({ ...entry, paperId: paper.id });
    if (this.papers.length >= this.batchSize) await this.flush();
  }

  skip() {
    this.counts.read++;
    this.counts.skipped++;
  }

  /** A record the source itself marks as unusable. */
  fail(where: string, reason: string) {
    this.counts.read++;
    this.countError(where, new RecordError(reason));
  }

  private countError(where: string, e: unknown) {
    // Only validation failures are per-record; anything else is a bug or a store failure and stops the import.
    if (!(e instanceof Error) || !/^(RecordError|InvalidPaperError|InvalidArxivIdError)$/.test(e.name)) throw e;
    this.counts.errors++;
    if (this.errorDetails.length < this.maxErrorDetails) this.errorDetails.push({ file: this.file, where, reason: e.message });
  }

  unusable(file: string, reason: string) {
    this.unusableFiles.push({ file, reason });
    this.progress();
  }

  async flush(): Promise<void> {
    if (!this.papers.length) return;
    const papers = this.papers;
    const entries = this.entries;
    this.papers = [];
    this.entries = [];
    const stored = await storeImportBatch(this.database, papers, entries);
    this.counts.inserted += stored.inserted;
    this.counts.updated += stored.updated;
    this.counts.unchanged += stored.unchanged;
    this.counts.merged += papers.length - (stored.inserted + stored.updated + stored.unchanged);
    this.counts.dailyEntries += entries.length;
    this.progress();
  }

  private elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  private progress() {
    this.options.onProgress?.({ ...this.counts, file: this.file, fileIndex: this.fileIndex, files: this.fileCount, elapsedSeconds: this.elapsed() });
  }

  summary(): ImportSummary {
    const seconds = this.elapsed();
    const valid = this.counts.read - this.counts.errors - this.counts.skipped;
    return {
      ...this.counts,
      files: this.fileCount,
      formats: this.formats,
      unusableFiles: this.unusableFiles,
      errorDetails: this.errorDetails,
      seconds,
      papersPerSecond: seconds > 0 ? valid / seconds : 0,
    };
  }
}

async function importLines(run: ImportRun, file: string, format: 'kaggle' | 'listing'): Promise<void> {
  const day = dayFromFileName(file);
  const parseLine = format === 'kaggle' ? parseKaggleLine : (line: string) => parseListingLine(line, day);
  for await (const { firstLine, lines } of readLineChunks(file)) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!line.trim()) continue;
      await run.add(`line ${firstLine + i}`, () => parseLine(line));
    }
  }
}

async function importDocument(run: ImportRun, file: string, format: 'oai' | 'atom' | 'hf-daily'): Promise<void> {
  const text = await readWholeText(file, MAX_DOCUMENT_BYTES);
  if (format === 'hf-daily') {
    const items = parseHfDailyResponse(text, dayFromFileName(file));
    for (const [i, item] of items.entries()) {
      const where = `record ${i + 1}`;
      if ('error' in item) run.fail(where, item.error);
      else await run.add(where, () => item.paper, item.entry);
    }
    return;
  }
  if (format === 'oai') {
    const response = parseOaiPmhResponse(text);
    if (response.error && response.error.code !== 'noRecordsMatch') {
      throw new UnusableInputError(`OAI-PMH error ${response.error.code}: ${response.error.message}`);
    }
    for (const [i, record] of response.records.entries()) {
      const where = record.identifier || `record ${i + 1}`;
      if (record.problem) run.fail(where, record.problem);
      else if (!record.paper) run.skip();
      else await run.add(where, () => record.paper!);
    }
    return;
  }
  const feed = parseAtomFeed(atomBody(text));
  if (feed.error) throw new UnusableInputError(`arXiv API error: ${feed.error.message}`);
  for (const [i, entry] of feed.entries.entries()) await run.add(`entry ${i + 1}`, () => entry);
}

/** An Atom response as recorded ({url, status_code, body}) or the raw XML. */
function atomBody(text: string): string {
  if (!text.trimStart().startsWith('{')) return text;
  let recorded: unknown;
  try {
    recorded = JSON.parse(text);
  } catch (e) {
    throw new UnusableInputError(`invalid JSON: ${(e as Error).message}`);
  }
  const body = (recorded as { body?: unknown })?.body;
  if (typeof body !== 'string') throw new UnusableInputError('a recorded response without a "body" string');
  return body;
}
