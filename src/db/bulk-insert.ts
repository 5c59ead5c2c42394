// Multi-row INSERTs for bulk writes (imports). Measured on 20,000 listing papers: one prepared
// statement per few hundred rows, executed through Kysely as an already-compiled query, is about 1.3×
// the cost of the raw driver's row-at-a-time floor, while building the same statement with Kysely's
// query builder costs 1.5–2× more and unpacking one JSON parameter (json_each) 2–3× more.
import { CompiledQuery, type Kysely } from 'kysely';
import type { DatabaseKind } from './connect.ts';

// Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535, and small enough that
// preparing the statement stays cheap.
const MAX_PARAMETERS = 10_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export interface BulkInsert {
  table: string;
  columns: readonly string[];
  /** SQL after VALUES, e.g. an ON CONFLICT clause; written by us, never from input. */
  suffix?: string;
}

/** Inserts `rows` (each in `columns` order) in as few statements as the parameter limit allows. */
export async function insertRows(executor: Kysely<any>, kind: DatabaseKind, spec: BulkInsert, rows: readonly unknown[][]): Promise<void> {
  for (const name of [spec.table, ...spec.columns]) {
    if (!IDENTIFIER.test(name)) throw new Error(`bad identifier ${name}`);
  }
  const width = spec.columns.length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / width));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const parameters: unknown[] = [];
    for (const row of chunk) {
      if (row.length !== width) throw new Error(`row has ${row.length} values for ${width} columns`);
      for (const v of row) parameters.push(v);
    }
    const text = `INSERT INTO ${spec.table} (${spec.columns.join(', ')}) VALUES ${valueLists(kind, chunk.length, width)}${spec.suffix ? ' ' + spec.suffix : ''}`;
    await executor.executeQuery(CompiledQuery.raw(text, parameters));
  }
}

const valueListCache = new Map<string, string>();

/** `(?, ?), (?, ?)` for SQLite, `($1, $2), ($3, $4)` for PostgreSQL; cached, since batch shapes repeat. */
function valueLists(kind: DatabaseKind, rows: number, width: number): string {
  const key = `${kind}:${rows}:${width}`;
  let text = valueListCache.get(key);
  if (!text) {
    const lists: string[] = [];
    for (let r = 0; r < rows; r++) {
      const marks: string[] = [];
      for (let c = 0; c < width; c++) marks.push(kind === 'sqlite' ? '?' : `$${r * width + c + 1}`);
      lists.push(`(${marks.join(', ')})`);
    }
    text = lists.join(', ');
    if (valueListCache.size > 64) valueListCache.clear();
    valueListCache.set(key, text);
  }
  return text;
}
