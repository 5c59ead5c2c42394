// Reads a BEIR-format dataset folder: corpus.jsonl ({_id,title,text}), queries.jsonl ({_id,text}),
// qrels/<split>.tsv (query-id, corpus-id, score; an optional header line).
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import type { Qrels } from './metrics.ts';

export interface BeirDoc {
  id: string;
  title: string;
  text: string;
}

export interface BeirDataset {
  corpus: BeirDoc[];
  queries: Map<string, string>;
  qrels: Qrels;
}

function readLines(file: string): string[] {
  if (!fs.existsSync(file)) throw new AppError(400, 'missing_file', `${file} does not exist`);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
}

function parseJsonLine(line: string, file: string, i: number): Record<string, unknown> {
  try {
    const v = JSON.parse(line);
    if (v && typeof v === 'object') return v;
  } catch {
    // reported below
  }
  throw new AppError(400, 'bad_jsonl', `${file} line ${i + 1} is not a JSON object`);
}

export function readQrels(file: string): Qrels {
  const qrels: Qrels = new Map();
  for (const line of readLines(file)) {
    const [q, d, s] = line.split('\t');
    if (!q || !d || s === undefined || !/^-?\d+$/.test(s.trim())) continue; // header or malformed line
    if (!qrels.has(q)) qrels.set(q, new Map());
    qrels.get(q)!.set(d, Number(s));
  }
  return qrels;
}

export function readBeir(dir: string, split = 'test'): BeirDataset {
  const corpusFile = path.join(dir, 'corpus.jsonl');
  const corpus = readLines(corpusFile).map((l, i) => {
    const o = parseJsonLine(l, corpusFile, i);
    return { id: String(o._id ?? ''), title: String(o.title ?? ''), text: String(o.text ?? '') };
  });
  const queriesFile = path.join(dir, 'queries.jsonl');
  const queries = new Map<string, string>();
  readLines(queriesFile).forEach((l, i) => {
    const o = parseJsonLine(l, queriesFile, i);
    queries.set(String(o._id ?? ''), String(o.text ?? ''));
  });
  const qrels = readQrels(path.join(dir, 'qrels', `${split}.tsv`));
  for (const q of [...qrels.keys()]) if (!queries.has(q)) qrels.delete(q);
  return { corpus, queries, qrels };
}
