// authorKey (src/domain/author-name.ts) now folds final sigma (ς) into σ: lower-casing turns Σ into one or the
// other by what surrounds it, so a key could change when computed again from itself, and two spellings of one
// name could get two keys. The keys stored for names holding a sigma in any of its forms (Greek and the
// mathematical alphanumeric ones, which NFKC maps to Greek) are computed again; no other key changes.
import type { Kysely } from 'kysely';
import { authorKey } from '../../domain/author-name.ts';
import type { Migration } from './index.ts';

/** Every character whose NFKC form, upper- then lower-cased, holds a sigma (checked over all of Unicode). */
const SIGMAS = ['Σ', 'ς', 'σ', 'ϲ', 'Ϲ', '𝚺', '𝛓', '𝛔', '𝛴', '𝜍', '𝜎', '𝜮', '𝝇', '𝝈', '𝝨', '𝞁', '𝞂', '𝞢', '𝞻', '𝞼'];

async function rekey(db: Kysely<any>, table: string, name: string): Promise<void> {
  const rows = await db
    .selectFrom(table)
    .select([name, 'author_key'])
    .where((eb) => eb.or(SIGMAS.map((s) => eb(name, 'like', `%${s}%`))))
    .execute();
  for (const row of rows) {
    const key = authorKey(row[name]);
    if (key !== row.author_key) await db.updateTable(table).set({ author_key: key }).where(name, '=', row[name]).execute();
  }
}

export const migration: Migration = {
  version: 20,
  name: 'author_key_sigma',
  async up(db: Kysely<any>) {
    await rekey(db, 'author_names', 'name');
    await rekey(db, 'author_claims', 'author_name');
  },
};
