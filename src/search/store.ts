// Derived search data on disk under <data dir>/search: the corpus embedder's model, paper vectors, and the ANN
// graph. All of it is a cache: any file that is missing, corrupt or made by another model is ignored and rebuilt.
// Files are written to a temporary name and renamed, so a crash never leaves a half-written file behind.
import fs from 'node:fs';
import path from 'node:path';
import { finishModel, type CorpusModel } from './semantic/corpus-embedder.ts';

export function searchDir(dataDir: string): string {
  return path.join(dataDir, 'search');
}

function writeAtomic(file: string, parts: (Uint8Array | string)[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const p of parts) fs.writeSync(fd, typeof p === 'string' ? Buffer.from(p) : p);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Layout: "PFS1" + uint32 header length + JSON header + 4-byte aligned float32 (or int32) arrays. */
function writeBlob(file: string, header: object, arrays: (Float32Array | Int32Array)[]): void {
  const json = Buffer.from(JSON.stringify(header));
  const pad = (4 - ((8 + json.length) % 4)) % 4;
  const head = Buffer.alloc(8);
  head.write('PFS1', 0);
  head.writeUInt32LE(json.length + pad, 4);
  writeAtomic(file, [head, json, ' '.repeat(pad), ...arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))]);
}

function readBlob(file: string): { header: any; floats: Float32Array } | null {
  try {
    const buf = fs.readFileSync(file);
    if (buf.subarray(0, 4).toString() !== 'PFS1') return null;
    const len = buf.readUInt32LE(4);
    const header = JSON.parse(buf.subarray(8, 8 + len).toString());
    const start = 8 + len;
    const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
    return { header, floats };
  } catch {
    return null;
  }
}

/**
 * Bumped when the corpus model's training or its terms change: a model saved by older code is retrained, not
 * reused (3: British spellings folded into American ones, and word neighbours saved with the model).
 */
export const CORPUS_MODEL_FORMAT = 3;

export function saveCorpusModel(dir: string, model: CorpusModel): void {
  const { vocabulary, dimensions, trainedOnDocs, neighbours } = model;
  writeBlob(path.join(dir, 'corpus-model.bin'), { format: CORPUS_MODEL_FORMAT, vocabulary, dimensions, trainedOnDocs, neighboursPerWord: neighbours.k }, [
    model.idf,
    model.wordVectors,
    neighbours.similarities,
    neighbours.ids,
  ]);
}

export function loadCorpusModel(dir: string): CorpusModel | null {
  const blob = readBlob(path.join(dir, 'corpus-model.bin'));
  if (!blob) return null;
  const { format, vocabulary, dimensions, trainedOnDocs, neighboursPerWord: k } = blob.header;
  if (format !== CORPUS_MODEL_FORMAT) return null;
  const v = vocabulary?.length ?? 0;
  if (!Array.isArray(vocabulary) || !(dimensions > 0) || !(k >= 0) || blob.floats.length !== v + v * dimensions + 2 * v * k) return null;
  const f = blob.floats;
  const at = v + v * dimensions;
  const neighbours = {
    k,
    similarities: f.slice(at, at + v * k),
    ids: new Int32Array(f.buffer, f.byteOffset + (at + v * k) * 4, v * k).slice(),
  };
  return finishModel(vocabulary, f.slice(0, v), f.slice(v, at), dimensions, Number(trainedOnDocs) || 0, neighbours);
}

export interface StoredVectors {
  embedderId: string;
  dimensions: number;
  /** paper id → [modifiedAt, row] */
  rows: Map<string, [string, number]>;
  vectors: Float32Array;
}

export function saveVectors(
  dir: string,
  embedderId: string,
  dimensions: number,
  ids: readonly string[],
  modified: readonly string[],
  vectors: Float32Array,
): void {
  writeBlob(path.join(dir, 'vectors.bin'), { embedderId, dimensions, ids, modified }, [vectors]);
}

export function loadVectors(dir: string): StoredVectors | null {
  const blob = readBlob(path.join(dir, 'vectors.bin'));
  if (!blob) return null;
  const { embedderId, dimensions, ids, modified } = blob.header;
  if (!Array.isArray(ids) || !Array.isArray(modified) || blob.floats.length !== ids.length * dimensions) return null;
  const rows = new Map<string, [string, number]>();
  ids.forEach((id: string, i: number) => {
    rows.set(id, [modified[i], i]);
  });
  return { embedderId, dimensions, rows, vectors: blob.floats };
}

export function annFile(dir: string, embedderId: string): string {
  return path.join(dir, `ann-${embedderId.replace(/[^A-Za-z0-9_.-]/g, '_')}.usearch`);
}
