// The import behind `paperfeed import`: reads files in any supported format, validates every record, and
// stores them in batches (one transaction each, so a record is stored whole or not at all). A bad record is
// reported with its file and position and skipped; a file that cannot be read at all is reported and the
// rest goes on.
import fs from 'node:fs';
import type { Database } from '../db/connect.ts';
import { storeImportBatch } from '../db/papers.ts';
import type { DailyEntry, Paper } from '../domain/paper.ts';
import { detectFormat, type FormatName } from './detect.ts';
import { listInputFiles, peekText, type InputFile } from './files.ts';
import { UnusableInputError } from './formats/errors.ts';
import { readSourcesInWorker } from './read-worker.ts';
import { readSources, type PlannedFile, type SourceEvent } from './records.ts';

export interface ImportOptions {
  /** Skip detection and read every file as this format. */
  format?: FormatName;
  /** Records per transaction. */
  batchSize?: number;
  /** How many record errors to keep with details (all are counted). */
  maxErrorDetails?: number;
  /** Parse in a worker thread while this one stores; by default only for inputs over PARALLEL_ABOVE_BYTES. */
  parallel?: boolean;
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
// Below this the worker's start-up (loading the TypeScript sources again) costs more than the overlap saves.
const PARALLEL_ABOVE_BYTES = 16 * 1024 * 1024;

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
  const run = new ImportRun(database, options, started, files);
  const parallel = options.parallel ?? files.reduce((n, f) => n + fs.statSync(f.file).size, 0) > PARALLEL_ABOVE_BYTES;
  for await (const message of parallel ? readSourcesInWorker(files) : readSources(files)) {
    if (message.type === 'file') run.startFile(message.index);
    else if (message.type === 'unusable') run.unusable(files[message.index].file, message.reason);
    else for (const event of message.events) await run.take(event);
  }
  await run.flush();
  return run.summary();
}

async function planFiles(inputs: InputFile[], forced: FormatName | undefined): Promise<PlannedFile[]> {
  const planned: PlannedFile[] = [];
  for (const input of inputs) {
    const format = forced ?? detectFormat(await peekText(input.path));
    if (!format && input.named) {
      throw new UnusableInputError(`unknown format: ${input.path} (use --format kaggle|listing|oai|atom|hf-daily)`);
    }
    planned.push({ file: input.path, format });
  }
  return planned;
}

/** The state of one import: counts, the batch being filled, and reporting. */
class ImportRun {
  readonly formats: Partial<Record<FormatName, number>> = {};
  private readonly counts: ImportCounts = { read: 0, inserted: 0, updated: 0, unchanged: 0, merged: 0, skipped: 0, errors: 0, dailyEntries: 0 };
  private readonly unusableFiles: FileProblem[] = [];
  private readonly errorDetails: RecordProblem[] = [];
  private papers: Paper[] = [];
  private entries: DailyEntry[] = [];
  private fileIndex = 0;
  private readonly batchSize: number;
  private readonly maxErrorDetails: number;

  constructor(
    private readonly database: Database,
    private readonly options: ImportOptions,
    private readonly started: number,
    private readonly files: PlannedFile[],
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.maxErrorDetails = options.maxErrorDetails ?? 20;
  }

  startFile(index: number) {
    this.fileIndex = index;
    const format = this.files[index].format;
    if (format) this.formats[format] = (this.formats[format] ?? 0) + 1;
    this.progress();
  }

  /** Counts one record from the reader and batches its paper; a full batch is stored before the next record. */
  async take(event: SourceEvent): Promise<void> {
    this.counts.read++;
    if (event.kind === 'skip') {
      this.counts.skipped++;
    } else if (event.kind === 'error') {
      this.counts.errors++;
      if (this.errorDetails.length < this.maxErrorDetails) {
        this.errorDetails.push({ file: this.files[this.fileIndex].file, where: event.where, reason: event.reason });
      }
    } else {
      this.papers.push(event.paper);
      if (event.entry) this.entries.push(event.entry);
      if (this.papers.length >= this.batchSize) await this.flush();
    }
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
    const file = this.files[this.fileIndex]?.file ?? '';
    this.options.onProgress?.({ ...this.counts, file, fileIndex: this.fileIndex, files: this.files.length, elapsedSeconds: this.elapsed() });
  }

  summary(): ImportSummary {
    const seconds = this.elapsed();
    const valid = this.counts.read - this.counts.errors - this.counts.skipped;
    return {
      ...this.counts,
      files: this.files.length,
      formats: this.formats,
      unusableFiles: this.unusableFiles,
      errorDetails: this.errorDetails,
      seconds,
      papersPerSecond: seconds > 0 ? valid / seconds : 0,
    };
  }
}
