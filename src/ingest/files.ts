// Reading import inputs: folders walked in sorted order, gzip recognised by its magic bytes (not the name),
// big files streamed as lines so memory stays flat, small API responses read whole.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { UnusableInputError } from './formats/errors.ts';

/** One input file and whether the user named it (true) or it was found by walking a folder (false). */
export interface InputFile {
  path: string;
  named: boolean;
}

// Files a folder walk considers; anything else (README.md, .DS_Store) is left alone.
const CANDIDATE_NAME = /\.(jsonl?|xml)(\.gz)?$/i;

/** Expands paths to files: a file as given, a folder recursively in sorted order. Throws for a missing path. */
export function listInputFiles(paths: string[]): InputFile[] {
  const out: InputFile[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new UnusableInputError(`no such file or folder: ${p}`);
    }
    if (stat.isDirectory()) out.push(...walk(p).map((file) => ({ path: file, named: false })));
    else out.push({ path: p, named: true });
  }
  return out;
}

function walk(dir: string): string[] {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walk(full);
    return e.isFile() && CANDIDATE_NAME.test(e.name) ? [full] : [];
  });
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const magic = Buffer.alloc(2);
    return fs.readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/** The file's bytes, decompressed when gzipped. Errors (a truncated gzip) surface on iteration. */
function openDecompressed(file: string): Readable {
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (!isGzip(file)) return raw;
  const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
  // pipeline forwards a read error into gunzip; its own error ends the iteration below.
  pipeline(raw, gunzip, () => {});
  return gunzip;
}

/** Why reading a file stopped early, in words for the import report. */
export function describeReadError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err?.message ?? '')) return 'truncated gzip: unexpected end of file';
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) return `corrupt gzip: ${err.message}`;
  return err?.message ?? String(e);
}

export interface LineChunk {
  /** 1-based number of the first line in `lines`. */
  firstLine: number;
  lines: string[];
}

export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Yields the file's lines in chunks (one per decompressed block), so a 4 GB snapshot never sits in memory.
 * A line cut off by a read error is not yielded: the error is thrown instead.
 */
export async function* readLineChunks(file: string): AsyncGenerator<LineChunk> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNumber = 1;
  let first = true;
  for await (const block of openDecompressed(file)) {
    let text = pending + decoder.write(block as Buffer);
    if (first) {
      // A byte-order mark would make the first line invalid JSON.
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    if (pending.length > MAX_LINE_BYTES) throw new UnusableInputError(`line ${lineNumber + lines.length} is longer than ${MAX_LINE_BYTES} bytes`);
    if (lines.length) {
      yield { firstLine: lineNumber, lines };
      lineNumber += lines.length;
    }
  }
  const last = pending + decoder.end();
  if (last) yield { firstLine: lineNumber, lines: [last] };
}

/** The (decompressed) file in blocks, for a document format read as a stream; refuses more than maxBytes. */
export async function* readBlocks(file: string, maxBytes: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const block of openDecompressed(file)) {
    size += (block as Buffer).length;
    if (size > maxBytes) throw new UnusableInputError(`larger than ${maxBytes} bytes, too large for a single-document format`);
    yield block as Buffer;
  }
}

/** The whole (decompressed) file as text, for formats that are one document per file. */
export async function readWholeText(file: string, maxBytes: number): Promise<string> {
  const blocks: Buffer[] = [];
  for await (const block of readBlocks(file, maxBytes)) blocks.push(block);
  return Buffer.concat(blocks).toString('utf8');
}

/** The first bytes of the (decompressed) file, for format detection; a read error just ends the sample. */
export async function peekText(file: string, bytes = 64 * 1024): Promise<string> {
  // Only the file's head is read: a compressed 64 KB holds at least 64 KB of text.
  const raw = fs.createReadStream(file, { start: 0, end: bytes - 1 });
  const stream = isGzip(file) ? raw.pipe(zlib.createGunzip({ chunkSize: bytes })) : raw;
  raw.on('error', (e) => stream.destroy(e));
  const blocks: Buffer[] = [];
  let size = 0;
  try {
    for await (const block of stream) {
      blocks.push(block as Buffer);
      size += (block as Buffer).length;
      if (size >= bytes) break;
    }
  } catch {
    // A cut-off gzip head (always, for big files) or a damaged file: detect from what was read.
  } finally {
    stream.destroy();
    raw.destroy();
  }
  return new StringDecoder('utf8').write(Buffer.concat(blocks).subarray(0, bytes));
}
