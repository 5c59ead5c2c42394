import { afterEach, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/domain/paper.ts';
import { getPaper, storeStats, upsertDailyEntries, upsertPapers } from '../../src/db/papers.ts';
import { assertSchemaCurrent, migrate } from '../../src/db/migrate.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { makeDailyEntry, makePaper } from '../helpers/factory.ts';

const paper = (id: string, extra: Partial<Paper> = {}) => makePaper({ id, submittedAt: null, categories: ['cs.CL', 'cs.AI'], ...extra });

describe.each(databaseKinds)('paper store on %s', (kind) => {
  let store: TestDatabase;
  afterEach(async () => store?.drop());

  it('migrates an empty database and refuses an outdated one', async () => {
    store = await createTestDatabase(kind, { migrated: false });
    await expect(assertSchemaCurrent(store)).rejects.toThrow(/paperfeed migrate/);
    const first = await migrate(store);
    expect(first.applied.length).toBeGreaterThan(0);
    const again = await migrate(store);
    expect(again.applied).toEqual([]);
    await assertSchemaCurrent(store);
  });

  it('inserts, then updates without duplicating, and the newer version wins', async () => {
    store = await createTestDatabase(kind);
    expect(await upsertPapers(store, [paper('2406.00001v1'), paper('2406.00002', { announcedOn: '2024-06-03' })])).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(await upsertPapers(store, [paper('2406.00001v1'), paper('2406.00002')])).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    const counts = await upsertPapers(store, [paper('2406.00001v2', { title: 'Revised', authors: ['C. Three'] })]);
    expect(counts).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const p = await getPaper(store, '2406.00001');
    expect(p?.title).toBe('Revised');
    expect(p?.version).toBe(2);
    expect(p?.authors).toEqual(['C. Three']);
    expect(p?.abstract).toBe(paper('2406.00001').abstract);
    const older = await upsertPapers(store, [paper('2406.00001v1', { title: 'Stale' })]);
    expect(older.updated + older.unchanged).toBe(1);
    expect((await getPaper(store, '2406.00001'))?.title).toBe('Revised');
    const stats = await storeStats(store);
    expect(stats).toMatchObject({ papers: 2, authorships: 3, categories: 2 });
  });

  it('merges the same id twice in one batch', async () => {
    store = await createTestDatabase(kind);
    const counts = await upsertPapers(store, [paper('2406.00003v1', { announcedOn: '2024-06-04' }), paper('2406.00003v2', { announcedOn: '2024-06-05' })]);
    expect(counts.inserted).toBe(1);
    const p = await getPaper(store, '2406.00003');
    expect(p).toMatchObject({ version: 2, announcedOn: '2024-06-04' });
  });

  it('keeps the first daily-feed day and the newest counts', async () => {
    store = await createTestDatabase(kind);
    await upsertPapers(store, [paper('2406.00004')]);
    const entry = makeDailyEntry({
      paperId: '2406.00004',
      day: '2024-06-05',
      upvotes: 3,
      numComments: 1,
      githubRepo: 'https://github.com/a/b',
      githubStars: 10,
      keywords: ['llm'],
    });
    await upsertDailyEntries(store, [entry]);
    await upsertDailyEntries(store, [{ ...entry, day: '2024-06-06', upvotes: 9 }]);
    const row = await store.db.selectFrom('daily_entries').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ day: '2024-06-05', upvotes: 9, submitted_by: 'akhaliq' });
    expect(await getPaper(store, '2406.00004')).toMatchObject({ githubStars: 10, codeUrl: 'https://github.com/a/b', keywords: ['llm'] });
  });
});
