// The search index on disk: one generation directory per state under <data dir>/search/index/, holding a manifest
// and, for each segment of the index, one file per named section (a typed array or a string, stored as its bytes),
// plus a CURRENT file naming the generation to load. A full build writes a generation of one segment; a merge
// writes the next generation as the previous one's segments, carried over by hard link (no copy) with new live
// masks, plus the delta as one more segment (service.ts). A generation is written in a temporary directory (every
// file fsynced), renamed into place, and only then named in CURRENT (itself replaced by rename), so a reader sees
// a whole generation or the previous one, never half of one. The manifest carries the format version, the papers
// it covers (count and modification high-water mark), the embedder, the words of hidden papers that no longer
// count for spelling, and for each segment its sections' type, length, byte size and CRC-32; a section that is
// missing, truncated, corrupt or of another format version makes the snapshot unusable, and the service rebuilds
// it (derived data is a cache). A version-2 snapshot (written before segments) loads as one segment.
//
// Loading does no per-posting or per-term work: each section is read in bulk into one ArrayBuffer and viewed as
// its typed array; the term dictionary and paper ids are stored with their hash tables (string-table.ts). A
// reader that holds some segments already (the previous generation's) reads only the new ones and the live masks.
//
// What goes in a segment is a list of parts (SNAPSHOT_PARTS), each turning one component into named sections and
// small JSON values and back; a component is added to the format with one entry there. Typed-array and
// string-table fields of the lexical index are stored field by field, so a new field of the index needs no change
// here. The vocabulary part holds the spelling dictionary (one string, five typed arrays) and the author-name index
// (three typed arrays), loaded as they were written: no word or name is hashed or parsed at load.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { SearchEngine, Vocabulary } from './engine.ts';
import type { LexicalIndex } from './lexical/index.ts';
import type { AuthorIndexData } from './names/author-index.ts';
import { PaperIds } from './paper-ids.ts';
import { QuantizedVectors } from './semantic/quantized.ts';
import { HnswIndex } from './semantic/vector-index.ts';
import type { SpellingData } from './spelling/dictionary.ts';
import { StringTable } from './string-table.ts';

export const SNAPSHOT_FORMAT = 'paperfeed-search-snapshot';
/**
 * Bumped whenever what a section means changes: a snapshot of another version is rebuilt, never misread (version 2,
 * the same sections as one segment, is read as such). Version 4 marks postings packed past their 2^27th word
 * correctly: versions 2 and 3 are read unless a segment's packed gaps reach that far (PACKED_GAPS_FAULT_WORDS).
 */
export const SNAPSHOT_VERSION = 4;

/**
 * Before version 4, gaps packed from word 2^27 on (2^32 bits, from about 1.3M papers in one segment) were written
 * over the first words (postings.ts, packGaps): such a segment's lists are wrong and it is rebuilt.
 */
const PACKED_GAPS_FAULT_WORDS = 2 ** 27;

const TYPES = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const;
type TypeName = keyof typeof TYPES | 'utf16' | 'file';
type TypedArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
export type SectionValue = TypedArray | string;

interface SectionEntry {
  file: string;
  type: TypeName;
  /** Elements (typed arrays), UTF-16 code units (strings) or bytes (files). */
  length: number;
  bytes: number;
  crc32: number;
}

/** One segment of a generation: its parts' values and sections, and its live mask in this generation. */
export interface SegmentManifest {
  id: string;
  /** 0 for a flushed delta, one more than the highest of those it joins for a compaction; absent for a full build's. */
  level?: number;
  /** Small JSON values of the parts (scalars, parameters). */
  values: Record<string, unknown>;
  sections: Record<string, SectionEntry>;
  /** Documents superseded or hidden since the segment was written are 0 here; null when all are live. */
  live: SectionEntry | null;
}

/** A hidden paper whose words no longer count for spelling: its segment, document and words. */
export interface HiddenWords {
  segment: string;
  doc: number;
  words: string[];
}

export interface SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  generation: string;
  createdAt: string;
  /** The papers the snapshot covers: how many, and the newest modification stamp among them. */
  papers: { count: number; highWater: string | null };
  embedder: { id: string; dimensions: number } | null;
  /** Oldest first: a full build's, then each flushed delta's. */
  segments: SegmentManifest[];
  hiddenWords: HiddenWords[];
}

/** One segment in memory: what a build or a flushed delta makes. */
export interface SegmentContent {
  lexical: LexicalIndex;
  /** The spelling dictionary and the author-name index of the same papers. */
  vocabulary: Vocabulary;
  docs: SnapshotDocs;
  vectors: QuantizedVectors | null;
  /** The ANN graph: written into the generation by `save`; after loading, the file to map. */
  ann: { save(file: string): void } | null;
  annFile: string | null;
}

/** An engine's index as a segment to store, with each document's modification stamp and content hash. */
export function segmentOf(engine: SearchEngine, modified: Float64Array, hashes: Uint32Array): SegmentContent {
  const { lexical, vocabulary, ids, days, years, vectors } = engine;
  const ann = engine.vectorIndex instanceof HnswIndex ? engine.vectorIndex : null;
  return { lexical, vocabulary, docs: { ids, days, years, modified, hashes }, vectors, ann, annFile: null };
}

/** What a full build writes: one segment, the papers it covers and the embedder it was embedded with. */
export interface SnapshotContent extends SegmentContent {
  papers: SnapshotManifest['papers'];
  embedder: SnapshotManifest['embedder'];
}

/** The document table: paper ids, days, and what change detection compares (modification time, content hash). */
export interface SnapshotDocs {
  ids: PaperIds;
  days: Int32Array;
  years: Int16Array;
  /** papers.modified_at of each document, as epoch milliseconds. */
  modified: Float64Array;
  /** CRC-32 of the fields search reads (contentHash in delta.ts): a modification elsewhere is not a change. */
  hashes: Uint32Array;
}

export class SnapshotError extends Error {}

interface Part {
  name: string;
  save(content: SegmentContent): { sections: Record<string, SectionValue>; values?: unknown } | null;
  load(sections: Record<string, SectionValue>, values: unknown, content: Partial<SegmentContent>): void;
}

const TABLE = '$table';

/** The lexical index, field by field: typed arrays and string tables as sections, everything else as values. */
const lexicalPart: Part = {
  name: 'lexical',
  save({ lexical }) {
    const sections: Record<string, SectionValue> = {};
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(lexical)) {
      if (ArrayBuffer.isView(value)) sections[key] = value as TypedArray;
      else if (value instanceof StringTable) {
        const { text, ends, table } = value.parts();
        Object.assign(sections, { [`${key}.text`]: text, [`${key}.ends`]: ends, [`${key}.table`]: table });
        values[key] = TABLE;
      } else values[key] = value;
    }
    return { sections, values };
  },
  load(sections, values, content) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      out[key] = value === TABLE ? StringTable.fromParts(tableParts(sections, key)) : value;
    }
    for (const [key, value] of Object.entries(sections)) if (!key.includes('.')) out[key] = value;
    // Version 2 (one segment, built from its own statistics) did not store these.
    out.indexedDocs ??= out.docCount;
    out.scoringDocs ??= out.docCount;
    out.scoringDf ??= null;
    content.lexical = out as unknown as LexicalIndex;
  },
};

const docsPart: Part = {
  name: 'docs',
  save({ docs }) {
    const { text, ends, table } = docs.ids.parts();
    return {
      sections: { 'ids.text': text, 'ids.ends': ends, 'ids.table': table, days: docs.days, years: docs.years, modified: docs.modified, hashes: docs.hashes },
    };
  },
  load(sections, _values, content) {
    const ids = PaperIds.fromParts(tableParts(sections, 'ids'));
    const docs = {
      ids,
      days: sections.days as Int32Array,
      years: sections.years as Int16Array,
      modified: sections.modified as Float64Array,
      hashes: sections.hashes as Uint32Array,
    };
    for (const [name, array] of Object.entries(docs)) {
      const n = array instanceof PaperIds ? array.count : array.length;
      if (n !== ids.count) throw new SnapshotError(`docs.${name} has ${n} entries for ${ids.count} papers`);
    }
    content.docs = docs;
  },
};

const vectorsPart: Part = {
  name: 'vectors',
  save({ vectors }) {
    if (!vectors) return null;
    const { codes, scales } = vectors.parts();
    return { sections: { codes, scales }, values: { dimensions: vectors.dimensions } };
  },
  load(sections, values, content) {
    const { dimensions } = values as { dimensions: number };
    try {
      content.vectors = QuantizedVectors.fromParts(dimensions, { codes: sections.codes as Int8Array, scales: sections.scales as Float32Array });
    } catch (e) {
      throw new SnapshotError((e as Error).message);
    }
  },
};

const SPELLING_TYPES: Record<keyof SpellingData, TypeName> = {
  words: 'utf16',
  ends: 'Uint32Array',
  df: 'Uint32Array',
  deleteHashes: 'Uint32Array',
  deleteOffsets: 'Uint32Array',
  wordIds: 'Uint32Array',
};
const AUTHOR_NAMES_TYPES: Record<keyof AuthorIndexData, TypeName> = { keys: 'Float64Array', offsets: 'Uint32Array', docs: 'Int32Array' };

/** The sections `prefix.name` of the given types, checked. */
function typedSections<T>(sections: Record<string, SectionValue>, prefix: string, types: Record<string, TypeName>): T {
  const out: Record<string, SectionValue> = {};
  for (const [key, type] of Object.entries(types)) {
    const value = sections[`${prefix}.${key}`];
    const ok = type === 'utf16' ? typeof value === 'string' : value instanceof TYPES[type as keyof typeof TYPES];
    if (!ok) throw new SnapshotError(`${prefix}.${key} missing or not a ${type}`);
    out[key] = value;
  }
  return out as T;
}

/** The spelling dictionary and the author-name index, array by array. */
const vocabularyPart: Part = {
  name: 'vocabulary',
  save({ vocabulary }) {
    const sections: Record<string, SectionValue> = {};
    for (const [prefix, data] of Object.entries(vocabulary))
      for (const [key, value] of Object.entries(data)) sections[`${prefix}.${key}`] = value as SectionValue;
    return { sections };
  },
  load(sections, _values, content) {
    const spelling = typedSections<SpellingData>(sections, 'spelling', SPELLING_TYPES);
    const authorNames = typedSections<AuthorIndexData>(sections, 'authorNames', AUTHOR_NAMES_TYPES);
    if (spelling.ends.length !== spelling.df.length || spelling.deleteOffsets.length !== spelling.deleteHashes.length + 1)
      throw new SnapshotError('spelling arrays do not fit together');
    if (authorNames.offsets.length !== authorNames.keys.length + 1 || authorNames.offsets[authorNames.keys.length] !== authorNames.docs.length) {
      throw new SnapshotError('author-name arrays do not fit together');
    }
    content.vocabulary = { spelling, authorNames };
  },
};

/** The parts of a snapshot, in the order they are written. A component joins the format with one entry here. */
const SNAPSHOT_PARTS: Part[] = [lexicalPart, vocabularyPart, docsPart, vectorsPart];

const ANN_SECTION = 'ann.graph';

function tableParts(sections: Record<string, SectionValue>, key: string) {
  const text = sections[`${key}.text`];
  const ends = sections[`${key}.ends`];
  const table = sections[`${key}.table`];
  if (typeof text !== 'string' || !(ends instanceof Uint32Array) || !(table instanceof Int32Array))
    throw new SnapshotError(`${key}: string table sections missing`);
  try {
    return StringTable.fromParts({ text, ends, table }).parts();
  } catch (e) {
    throw new SnapshotError(`${key}: ${(e as Error).message}`);
  }
}

export function indexDir(dataDir: string): string {
  return path.join(dataDir, 'search', 'index');
}

const CURRENT = 'CURRENT';

/** The generation CURRENT names, or null when there is none (or it is unreadable). */
export function currentGeneration(dir: string): string | null {
  try {
    const { generation } = JSON.parse(fs.readFileSync(path.join(dir, CURRENT), 'utf8'));
    return typeof generation === 'string' && /^[A-Za-z0-9_.-]+$/.test(generation) ? generation : null;
  } catch {
    return null;
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function bytesOf(value: SectionValue): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf16le') : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function typeOf(value: SectionValue): TypeName {
  if (typeof value === 'string') return 'utf16';
  const name = value.constructor.name as TypeName;
  if (!(name in TYPES)) throw new Error(`cannot store a ${name}`);
  return name;
}

const CHUNK = 64 * 1024 * 1024;

/** Writes bytes to a new file and fsyncs it; returns the CRC-32. */
function writeFile(file: string, chunks: Iterable<Uint8Array>): number {
  const fd = fs.openSync(file, 'wx');
  let crc = 0;
  try {
    for (const bytes of chunks) {
      for (let at = 0; at < bytes.length; at += CHUNK) {
        const piece = bytes.subarray(at, Math.min(bytes.length, at + CHUNK));
        crc = zlib.crc32(piece, crc);
        let written = 0;
        while (written < piece.length) written += fs.writeSync(fd, piece, written, piece.length - written);
      }
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return crc;
}

/** fsyncs a file another writer made (usearch's save) and returns its CRC-32. */
function syncAndChecksum(file: string): number {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  let crc = 0;
  for (const chunk of fileChunks(file)) crc = zlib.crc32(chunk, crc);
  return crc;
}

function* fileChunks(file: string): Generator<Uint8Array> {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** What a new generation holds. */
export interface GenerationSpec {
  papers: SnapshotManifest['papers'];
  embedder: SnapshotManifest['embedder'];
  /**
   * Segments of the generation `from` carried over (their files linked, not copied), with their live masks now and,
   * for one written without an ANN graph, the graph built for it since.
   */
  from?: { generation: string; keep: { id: string; live: Uint8Array | null; graph?: { save(file: string): void } }[] };
  /** New segments, written after the kept ones, with their live masks (a flushed delta's superseded documents). */
  add: { content: SegmentContent; live?: Uint8Array | null; level?: number }[];
  hiddenWords?: HiddenWords[];
}

function newName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Writes a segment's parts as files named after the segment; returns its manifest entry (no live mask). */
function writeSegment(dir: string, content: SegmentContent): SegmentManifest {
  const id = newName('s');
  const segment: SegmentManifest = { id, values: {}, sections: {}, live: null };
  for (const part of SNAPSHOT_PARTS) {
    const saved = part.save(content);
    if (!saved) continue;
    segment.values[part.name] = saved.values ?? null;
    for (const [key, value] of Object.entries(saved.sections)) {
      const name = `${part.name}.${key}`;
      const file = `${id}.${name}.bin`;
      const bytes = bytesOf(value);
      const crc32 = writeFile(path.join(dir, file), [bytes]);
      segment.sections[name] = { file, type: typeOf(value), length: value.length, bytes: bytes.byteLength, crc32 };
    }
  }
  if (content.ann) segment.sections[ANN_SECTION] = writeGraph(dir, id, content.ann);
  return segment;
}

function writeGraph(dir: string, id: string, graph: { save(file: string): void }): SectionEntry {
  const file = `${id}.ann.usearch`;
  graph.save(path.join(dir, file));
  const crc32 = syncAndChecksum(path.join(dir, file));
  const bytes = fs.statSync(path.join(dir, file)).size;
  return { file, type: 'file', length: bytes, bytes, crc32 };
}

function writeLive(dir: string, id: string, live: Uint8Array): SectionEntry {
  const file = `live.${id}.bin`;
  return { file, type: 'Uint8Array', length: live.length, bytes: live.length, crc32: writeFile(path.join(dir, file), [live]) };
}

/** A full build's generation: one segment. */
export function writeSnapshot(dataDir: string, content: SnapshotContent): string {
  return writeGeneration(dataDir, { papers: content.papers, embedder: content.embedder, add: [{ content }] });
}

/**
 * Writes a new generation and makes it current; returns its name. Kept segments' files are hard links to the
 * previous generation's, so carrying a segment over costs neither time nor space. Older generations beyond the
 * previous one are removed (a process still reading the previous one finishes; one that loaded it holds it in memory).
 */
export function writeGeneration(dataDir: string, spec: GenerationSpec): string {
  const dir = indexDir(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const generation = newName('g');
  const tmp = path.join(dir, `.tmp-${generation}`);
  fs.mkdirSync(tmp);
  try {
    const manifest: SnapshotManifest = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      generation,
      createdAt: new Date().toISOString(),
      papers: spec.papers,
      embedder: spec.embedder,
      segments: [],
      hiddenWords: spec.hiddenWords ?? [],
    };
    if (spec.from) {
      const previous = readManifest(dataDir, spec.from.generation);
      const fromDir = path.join(dir, spec.from.generation);
      for (const { id, live, graph } of spec.from.keep) {
        const segment = previous.segments.find((s) => s.id === id);
        if (!segment) throw new Error(`segment ${id} is not in generation ${spec.from.generation}`);
        for (const entry of Object.values(segment.sections)) fs.linkSync(path.join(fromDir, entry.file), path.join(tmp, entry.file));
        const sections = { ...segment.sections };
        if (graph && !sections[ANN_SECTION]) sections[ANN_SECTION] = writeGraph(tmp, id, graph);
        manifest.segments.push({ ...segment, sections, live: live ? writeLive(tmp, id, live) : null });
      }
    }
    for (const { content, live, level } of spec.add) {
      const segment = writeSegment(tmp, content);
      manifest.segments.push({ ...segment, level, live: live ? writeLive(tmp, segment.id, live) : null });
    }
    writeFile(path.join(tmp, 'manifest.json'), [Buffer.from(JSON.stringify(manifest, null, 1))]);
    fsyncDir(tmp);
    fs.renameSync(tmp, path.join(dir, generation));
    fsyncDir(dir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const previous = currentGeneration(dir);
  const pointer = path.join(dir, `.${CURRENT}.${generation}`);
  writeFile(pointer, [Buffer.from(JSON.stringify({ generation }))]);
  fs.renameSync(pointer, path.join(dir, CURRENT));
  fsyncDir(dir);
  for (const entry of fs.readdirSync(dir)) {
    if (entry === CURRENT || entry === generation || entry === previous) continue;
    // Leftovers of writers that died (their temporary directories) are removed once they are an hour old.
    const stale = entry.startsWith('.') ? Date.now() - fs.statSync(path.join(dir, entry)).mtimeMs > 3_600_000 : true;
    if (stale) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
  return generation;
}

export interface LoadedSegment {
  id: string;
  content: SegmentContent;
  live: Uint8Array | null;
}

export interface LoadedSnapshot {
  manifest: SnapshotManifest;
  segments: LoadedSegment[];
}

/** Reads a section in bulk into its own ArrayBuffer (off the event loop), checking its size and CRC-32. */
async function readSection(dir: string, name: string, entry: SectionEntry): Promise<SectionValue | string> {
  const file = path.join(dir, entry.file);
  if (path.basename(entry.file) !== entry.file) throw new SnapshotError(`${name}: bad file name`);
  const type = entry.type;
  const width = type === 'utf16' ? 2 : type === 'file' ? 1 : TYPES[type as keyof typeof TYPES]?.BYTES_PER_ELEMENT;
  if (!width || !Number.isSafeInteger(entry.length) || entry.bytes !== entry.length * width) throw new SnapshotError(`${name}: bad section entry`);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new SnapshotError(`${name}: ${entry.file} is missing`);
  }
  if (size !== entry.bytes) throw new SnapshotError(`${name}: ${entry.file} has ${size} bytes, the manifest says ${entry.bytes} (truncated?)`);
  if (type === 'file') {
    let crc = 0;
    for (const chunk of fileChunks(file)) crc = zlib.crc32(chunk, crc);
    if (crc >>> 0 !== entry.crc32 >>> 0) throw new SnapshotError(`${name}: checksum mismatch`);
    return file;
  }
  const buffer = new ArrayBuffer(size);
  const bytes = new Uint8Array(buffer);
  const handle = await fs.promises.open(file, 'r');
  let crc = 0;
  try {
    for (let at = 0; at < size; ) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(CHUNK, size - at), at);
      if (bytesRead === 0) throw new SnapshotError(`${name}: ${entry.file} ended early`);
      crc = zlib.crc32(bytes.subarray(at, at + bytesRead), crc);
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) throw new SnapshotError(`${name}: checksum mismatch`);
  if (type === 'utf16') return Buffer.from(buffer).toString('utf16le');
  return new TYPES[type as keyof typeof TYPES](buffer);
}

/** Reads the manifest of a generation, checking that it is a snapshot of a format version this code reads. */
export function readManifest(dataDir: string, generation: string): SnapshotManifest {
  let manifest: SnapshotManifest & { values?: Record<string, unknown>; sections?: Record<string, SectionEntry> };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(indexDir(dataDir), generation, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new SnapshotError(`manifest unreadable (${(e as Error).message})`);
  }
  if (manifest?.format !== SNAPSHOT_FORMAT) throw new SnapshotError('not a search snapshot');
  if (manifest.generation !== generation) throw new SnapshotError('manifest incomplete');
  if (manifest.version === 2) {
    // Written before segments: its one segment's parts are the manifest's own, named after the generation.
    if (typeof manifest.sections !== 'object' || typeof manifest.values !== 'object') throw new SnapshotError('manifest incomplete');
    const { values, sections, ...rest } = manifest;
    return refuseFaultyPacking({ ...rest, segments: [{ id: generation, values, sections, live: null }], hiddenWords: [] });
  }
  if (manifest.version !== SNAPSHOT_VERSION && manifest.version !== 3)
    throw new SnapshotError(`format version ${manifest.version}, this code reads ${SNAPSHOT_VERSION}`);
  if (!Array.isArray(manifest.segments) || !manifest.segments.length || !Array.isArray(manifest.hiddenWords)) throw new SnapshotError('manifest incomplete');
  for (const segment of manifest.segments) {
    if (typeof segment?.id !== 'string' || typeof segment.sections !== 'object' || typeof segment.values !== 'object')
      throw new SnapshotError('manifest incomplete');
  }
  return manifest.version === 3 ? refuseFaultyPacking(manifest) : manifest;
}

/** An older manifest whose segments' packed gaps stop short of the fault (PACKED_GAPS_FAULT_WORDS); throws otherwise. */
function refuseFaultyPacking(manifest: SnapshotManifest): SnapshotManifest {
  for (const segment of manifest.segments) {
    const words = segment.sections['lexical.packedGaps']?.length ?? 0;
    if (words > PACKED_GAPS_FAULT_WORDS)
      throw new SnapshotError(`segment ${segment.id}: format version ${manifest.version} packed its ${words} words of postings wrongly past word 2^27`);
  }
  return manifest;
}

/** Reads one segment's parts. */
async function readSegment(dir: string, segment: SegmentManifest): Promise<SegmentContent> {
  const content: Partial<SegmentContent> = { vectors: null, ann: null, annFile: null };
  for (const part of SNAPSHOT_PARTS) {
    if (!(part.name in segment.values)) {
      if (part === vectorsPart) continue;
      throw new SnapshotError(`part ${part.name} missing`);
    }
    const sections: Record<string, SectionValue> = {};
    for (const [name, entry] of Object.entries(segment.sections)) {
      if (name.startsWith(`${part.name}.`)) sections[name.slice(part.name.length + 1)] = await readSection(dir, name, entry);
    }
    try {
      part.load(sections, segment.values[part.name], content);
    } catch (e) {
      throw e instanceof SnapshotError ? e : new SnapshotError(`${part.name}: ${(e as Error).message}`);
    }
  }
  const ann = segment.sections[ANN_SECTION];
  if (ann) content.annFile = (await readSection(dir, ANN_SECTION, ann)) as string;
  const full = content as SegmentContent;
  if (full.lexical.docCount !== full.docs.ids.count)
    throw new SnapshotError(`lexical index has ${full.lexical.docCount} documents, the document table ${full.docs.ids.count}`);
  if (full.vectors && full.vectors.count !== full.docs.ids.count) throw new SnapshotError(`${full.vectors.count} vectors for ${full.docs.ids.count} papers`);
  return full;
}

/**
 * Loads a generation (by default the current one), or returns null when there is none. Segments in `loaded` (by
 * id, as an earlier generation brought them) are taken from there: only new segments and the live masks are read.
 * Throws SnapshotError (with the reason) when the generation exists but cannot be used.
 */
export async function readSnapshot(
  dataDir: string,
  generation = currentGeneration(indexDir(dataDir)),
  loaded: ReadonlyMap<string, SegmentContent> = new Map(),
): Promise<LoadedSnapshot | null> {
  if (!generation) return null;
  const manifest = readManifest(dataDir, generation);
  const segments: LoadedSegment[] = [];
  for (const segment of manifest.segments) segments.push(await readStoredSegment(dataDir, generation, segment, loaded.get(segment.id)));
  return { manifest, segments };
}

/** One segment of a generation with its live mask there (its content taken from `loaded` when given). */
export async function readStoredSegment(dataDir: string, generation: string, segment: SegmentManifest, loaded?: SegmentContent): Promise<LoadedSegment> {
  const dir = path.join(indexDir(dataDir), generation);
  let content = loaded ?? (await readSegment(dir, segment));
  // A segment written without a graph may have gained one since.
  const ann = segment.sections[ANN_SECTION];
  if (loaded && ann && !loaded.annFile) content = { ...loaded, annFile: (await readSection(dir, ANN_SECTION, ann)) as string };
  const live = await readLiveMask(dataDir, generation, segment);
  if (live && live.length !== content.docs.ids.count)
    throw new SnapshotError(`segment ${segment.id}: the live mask does not fit its ${content.docs.ids.count} documents`);
  return { id: segment.id, content, live };
}

/** A segment's live mask in a generation (null: every document is live). */
export async function readLiveMask(dataDir: string, generation: string, segment: SegmentManifest): Promise<Uint8Array | null> {
  if (!segment.live) return null;
  const live = await readSection(path.join(indexDir(dataDir), generation), `live.${segment.id}`, segment.live);
  if (!(live instanceof Uint8Array)) throw new SnapshotError(`segment ${segment.id}: the live mask is not bytes`);
  return live;
}
