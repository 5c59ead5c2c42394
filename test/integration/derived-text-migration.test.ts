// Migration 11 on a store that the previous extractor had filled: keyphrases it wrote into `keywords` move out of
// the way (they are derived again into their own column), while keywords imported from Hugging Face stay.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { getPaper, upsertDailyEntries, upsertPapers } from '../../src/db/papers.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import type { Paper } from '../../src/domain/paper.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';

const paper = (id: string): Paper => ({
  id,
  version: 1,
  title: `Paper ${id}`,
  abstract: 'An abstract.',
  authors: [],
  categories: ['cs.CL'],
  submittedAt: null,
  updatedAt: null,
  announcedOn: '2025-02-03',
  versions: [],
  comments: null,
  journalRef: null,
  doi: null,
  license: null,
  codeUrl: null,
  projectUrl: null,
});

describe.each(databaseKinds)('migration 11, derived text (%s)', (kind) => {
  let database: TestDatabase;
  afterEach(async () => database?.drop());

  it('clears keywords only where no Hugging Face entry could have brought them', async () => {
    database = await createTestDatabase(kind, { migrated: false });
    const before = migrations.filter((m) => m.version < 11);
    const eleven = migrations.find((m) => m.version === 11)!;
    for (const m of before) await database.db.transaction().execute((trx) => m.up(trx, database.kind));
    await upsertPapers(database, [paper('2502.00001'), paper('2502.00002'), paper('2502.00003')]);
    const hf = {
      day: '2025-02-03',
      submittedAt: null,
      submittedBy: null,
      upvotes: 1,
      numComments: 0,
      githubRepo: null,
      githubStars: null,
      projectPage: null,
      aiSummary: null,
    };
    await upsertDailyEntries(database, [{ ...hf, paperId: '2502.00001', keywords: ['imported keyword'], source: 'hf' }]);
    // What the previous extractor did: derived phrases straight into keywords.
    await sql`UPDATE papers SET keywords = '["derived entirely"]' WHERE id IN ('2502.00002', '2502.00003')`.execute(database.db);
    await database.db.transaction().execute((trx) => eleven.up(trx, database.kind));
    // getPaper reads the new columns, which exist only now.
    expect(await getPaper(database, '2502.00001')).toMatchObject({ keywords: ['imported keyword'], keywordsExtracted: false, tldr: null });
    expect(await getPaper(database, '2502.00002')).toMatchObject({ keywords: [], keywordsExtracted: false, tldr: null });
    const rows = await database.db.selectFrom('papers').select(['id', 'keywords', 'derived_version']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: '2502.00001', keywords: '["imported keyword"]', derived_version: null },
      { id: '2502.00002', keywords: null, derived_version: null },
      { id: '2502.00003', keywords: null, derived_version: null },
    ]);
  });
});
