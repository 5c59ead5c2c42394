// Imports every paper source in ../shared/data into one SQLite store and checks the documented counts.
// Skipped, with the helper's message, when ../shared/data is absent. SQLite only: this is the big, slow
// one; the cross-database import test (import.test.ts) uses the small fixtures.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeStats } from '../../src/db/papers.ts';
import { importPaths, type ImportSummary } from '../../src/ingest/import.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { hasSharedData, sharedPath } from '../helpers/shared-data.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/paperfeed.js');

describe.skipIf(!hasSharedData)('importing all of ../shared/data (SQLite)', { timeout: 240_000 }, () => {
  let store: TestDatabase;
  const summaries: Record<string, ImportSummary> = {};

  beforeAll(async () => {
    store = await createTestDatabase('sqlite');
  });
  afterAll(async () => store?.drop());

  it('listings: 74,728 unique papers, first listing day as the announcement day', async () => {
    const folder = sharedPath('arxiv-daily-listings', 'days');
    const s = (summaries.listings = await importPaths(store, [folder]));
    // A reference count straight from the files, independent of the importer.
    const ids = new Set<string>();
    let rows = 0;
    for (const f of fs.readdirSync(folder)) {
      for (const line of zlib
        .gunzipSync(fs.readFileSync(path.join(folder, f)))
        .toString('utf8')
        .split('\n')) {
        if (!line.trim()) continue;
        rows++;
        ids.add(JSON.parse(line).id);
      }
    }
    expect(ids.size).toBe(74_728);
    expect(s).toMatchObject({ files: 410, read: rows, inserted: ids.size, errors: 0, skipped: 0, unusableFiles: [] });
    expect(s.inserted + s.updated + s.unchanged + s.merged).toBe(rows);
    const stats = await storeStats(store);
    expect(stats).toMatchObject({ papers: 74_728, firstAnnounced: '2025-03-18', lastAnnounced: '2026-07-01' });
  });

  it('Hugging Face daily papers: the 22 malformed files are reported, the rest imported', async () => {
    const s = (summaries.hf = await importPaths(store, [sharedPath('hf-daily-papers-api', 'days')]));
    expect(s.files).toBe(580);
    expect(s.unusableFiles).toHaveLength(22);
    const days = s.unusableFiles.map((f) => path.basename(f.file).slice(0, 10)).sort();
    expect(days[0]).toBe('2024-12-11');
    expect(days.at(-1)).toBe('2025-01-10');
    expect(s.unusableFiles.filter((f) => /wrapper/.test(f.reason))).toHaveLength(1);
    expect(s).toMatchObject({ read: 9_581, errors: 0, dailyEntries: 9_581 });
    const stats = await storeStats(store);
    expect(stats.dailyEntries).toBe(9_577); // 9,581 entries name 9,577 distinct papers
    expect(stats).toMatchObject({ firstDailyDay: '2024-05-27', lastDailyDay: '2026-08-21' });
    const starred = await store.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('github_stars', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(starred.n)).toBeGreaterThan(2_000);
  });

  it('OAI-PMH pages, Atom responses and the Kaggle sample', async () => {
    const oai = (summaries.oai = await importPaths(store, [sharedPath('arxiv-oai-pmh-2023-03-07')]));
    // ListRecords 1,000 + 1,000 + 265 and GetRecord 1 with metadata; ListIdentifiers' 2,265 headers carry none.
    expect(oai).toMatchObject({ files: 5, read: 2_266 + 2_265, skipped: 2_265, errors: 0, unusableFiles: [] });
    const atom = (summaries.atom = await importPaths(store, [sharedPath('arxiv-api-atom-responses')]));
    expect(atom.read).toBe(221); // 222 entries, one of them the error entry of the HTTP 400 response
    expect(atom.unusableFiles.map((f) => f.reason)).toEqual(['arXiv API error: incorrect id format for abc']);
    expect(atom.errors).toBe(0);
    const kaggle = (summaries.kaggle = await importPaths(store, [sharedPath('arxiv-kaggle-snapshot-sample')]));
    expect(kaggle).toMatchObject({ read: 200, inserted: 200, errors: 0 });
  });

  it('totals add up, and `paperfeed stats --json` reports the same store', async () => {
    const stats = await storeStats(store);
    const inserted = Object.values(summaries).reduce((n, s) => n + s.inserted, 0);
    expect(stats.papers).toBe(inserted);
    expect(stats.papers).toBeGreaterThan(74_728 + 2_000);
    expect(stats.authorships).toBeGreaterThan(stats.papers * 3);
    const env: NodeJS.ProcessEnv = { ...process.env, ...store.env };
    delete env.BASE_URL; // set by vitest for Vite, not a paperfeed setting
    delete env.DATABASE_URL;
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'stats', '--json'], { env });
    expect(JSON.parse(stdout)).toEqual(stats);
  });
});
