// The reading half of an import: files in, validated papers (and per-record problems) out, as a stream of
// messages. It runs in the importing thread for small inputs and in a worker thread for big ones
// (read-worker.ts), so that parsing and validating overlap with writing to the store.
import { normalizePaper, type DailyEntry, type Paper, type PaperInput } from '../domain/paper.ts';
import { dayFromFileName, type FormatName } from './detect.ts';
import { describeReadError, readBlocks, readLineChunks, readWholeText } from './files.ts';
import { parseAtomFeed } from './formats/arxiv-atom.ts';
import { parseListingLine } from './formats/daily-listing.ts';
import { UnusableInputError } from './formats/errors.ts';
import { HfDailyReader } from './formats/hf-daily.ts';
import { parseKaggleLine } from './formats/kaggle-snapshot.ts';
import { parseOaiPmhResponse } from './formats/oai-pmh.ts';

export interface PlannedFile {
  file: string;
  /** Null when the format could not be recognised (the file is then reported, not read). */
  format: FormatName | null;
}

export type SourceEvent = { kind: 'paper'; paper: Paper; entry?: DailyEntry } | { kind: 'error'; where: string; reason: string } | { kind: 'skip' };

export type SourceMessage = { type: 'file'; index: number } | { type: 'events'; events: SourceEvent[] } | { type: 'unusable'; index: number; reason: string };

// A single API response (OAI page, Atom page, HF day) is a few MB; this bounds a mislabelled huge file. Hugging
// Face days are read as a stream, so for them it bounds time, not memory.
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Reads the files in order. A file that cannot be read is reported after the records read before the damage. */
export async function* readSources(files: PlannedFile[]): AsyncGenerator<SourceMessage> {
  for (const [index, { file, format }] of files.entries()) {
    yield { type: 'file', index };
    if (!format) {
      yield { type: 'unusable', index, reason: 'unknown format' };
      continue;
    }
    try {
      const events =
        format === 'kaggle' || format === 'listing' ? lineEvents(file, format) : format === 'hf-daily' ? hfDailyEvents(file) : documentEvents(file, format);
      for await (const chunk of events) yield { type: 'events', events: chunk };
    } catch (e) {
      if (!(e instanceof UnusableInputError) && !(e instanceof RangeError) && !isReadError(e)) throw e;
      yield { type: 'unusable', index, reason: unusableReason(e) };
    }
  }
}

/**
 * A RangeError is a limit of the runtime reached by one file's content (a stack overflow in a parser, a string
 * too long for V8): that file is unusable, the import goes on.
 */
function unusableReason(e: unknown): string {
  if (e instanceof UnusableInputError) return e.message;
  if (e instanceof RangeError) return `too large or too deeply nested to read (${e.message})`;
  return describeReadError(e);
}

function isReadError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('E'));
}

/** Validates one record; a validation failure becomes an error event, anything else (a bug) is thrown. */
function validated(where: string, parse: () => PaperInput, entry?: DailyEntry): SourceEvent {
  try {
    const paper = normalizePaper(parse());
    return entry ? { kind: 'paper', paper, entry: { ...entry, paperId: paper.id } } : { kind: 'paper', paper };
  } catch (e) {
    if (e instanceof Error && /^(RecordError|InvalidPaperError|InvalidArxivIdError)$/.test(e.name)) return { kind: 'error', where, reason: e.message };
    throw e;
  }
}

async function* lineEvents(file: string, format: 'kaggle' | 'listing'): AsyncGenerator<SourceEvent[]> {
  const day = dayFromFileName(file);
  const parseLine = format === 'kaggle' ? parseKaggleLine : (line: string) => parseListingLine(line, day);
  for await (const { firstLine, lines } of readLineChunks(file)) {
    const events: SourceEvent[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.trim()) events.push(validated(`line ${firstLine + i}`, () => parseLine(line)));
    }
    yield events;
  }
}

/** A Hugging Face day, read as a stream of records: memory stays at one block's records whatever the file holds. */
async function* hfDailyEvents(file: string): AsyncGenerator<SourceEvent[]> {
  const reader = new HfDailyReader(dayFromFileName(file));
  let record = 0;
  for await (const block of readBlocks(file, MAX_DOCUMENT_BYTES)) {
    yield reader.write(block).map((item): SourceEvent => {
      const where = `record ${++record}`;
      return 'error' in item ? { kind: 'error', where, reason: item.error } : validated(where, () => item.paper, item.entry);
    });
  }
  reader.end();
}

async function* documentEvents(file: string, format: 'oai' | 'atom'): AsyncGenerator<SourceEvent[]> {
  const text = await readWholeText(file, MAX_DOCUMENT_BYTES);
  if (format === 'oai') {
    const response = parseOaiPmhResponse(text);
    if (response.error && response.error.code !== 'noRecordsMatch') {
      throw new UnusableInputError(`OAI-PMH error ${response.error.code}: ${response.error.message}`);
    }
    yield response.records.map((record, i): SourceEvent => {
      const where = record.identifier || `record ${i + 1}`;
      if (record.problem) return { kind: 'error', where, reason: record.problem };
      if (!record.paper) return { kind: 'skip' };
      return validated(where, () => record.paper!);
    });
    return;
  }
  const feed = parseAtomFeed(atomBody(text));
  if (feed.error) throw new UnusableInputError(`arXiv API error: ${feed.error.message}`);
  yield feed.entries.map((entry, i) => validated(`entry ${i + 1}`, () => entry));
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
