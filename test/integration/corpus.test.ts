// The committed fixture corpus is what test/fixtures/corpus/README.md says, and the real importer takes all of it:
// the tests that run without ../shared/data stand on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPaper, storeStats } from '../../src/db/papers.ts';
import { isoWeekKey } from '../../src/domain/periods.ts';
import type { ImportSummary } from '../../src/ingest/import.ts';
import { FIXTURES, importCorpus, listingDay } from '../helpers/corpus.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';

describe.each(databaseKinds)('the fixture corpus on %s', (kind) => {
  let store: TestDatabase;
  let summary: ImportSummary;
  beforeAll(async () => {
    store = await createTestDatabase(kind);
    summary = await importCorpus(store);
  });
  afterAll(() => store?.drop());

  it('imports without a single error: 48 papers, 13 daily-feed entries', async () => {
    expect(summary).toMatchObject({ errors: 0, skipped: 0, dailyEntries: 13, inserted: 48 });
    expect(summary.unusableFiles).toEqual([]);
    expect((await storeStats(store)).papers).toBe(48);
  });

  it('spans two ISO weeks and two months, and keeps accents, LaTeX and markup characters', async () => {
    const announced = (await store.db.selectFrom('papers').select('announced_on').where('announced_on', 'is not', null).execute()).map((r) => r.announced_on!);
    expect(new Set(announced.map(isoWeekKey))).toEqual(new Set(['2025-W22', '2025-W23']));
    expect(new Set(announced.map((d) => d.slice(0, 7)))).toEqual(new Set(['2025-05', '2025-06']));
    expect(listingDay(FIXTURES, '2025-06-03')).toHaveLength(12);
    expect((await getPaper(store, '2505.18431'))!.authors).toContain('Élodie Marchand');
    expect((await getPaper(store, '2505.23702'))!.title).toBe('A Note on the Convergence of Adam with $\\beta_2 < 1$');
    expect((await getPaper(store, '2505.21873'))!.title).toContain(' & ');
    expect(await getPaper(store, 'math/0406242')).toMatchObject({ version: 2, doi: '10.1016/j.jnt.2004.11.007', authors: ['J. Müller', 'A. Øster'] });
    expect((await getPaper(store, '0811.2183'))!.versions).toHaveLength(3);
  });
});
