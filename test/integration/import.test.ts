// The importer against real stores: the fixture folder on every database kind, then each kind of bad input.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { getPaper, storeImportBatch, storeStats } from '../../src/db/papers.ts';
import { normalizePaper } from '../../src/domain/paper.ts';
import { parseHfDailyResponse } from '../../src/ingest/formats/hf-daily.ts';
import { importPaths, type ImportSummary } from '../../src/ingest/import.ts';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../helpers/db.ts';
import { FIXTURES, fixturePath, readFixture } from '../helpers/fixtures.ts';

let store: TestDatabase;
afterEach(async () => store?.drop());

describe.each(databaseKinds)('importing the fixture folder on %s', (kind) => {
  it('reads every format, reports the bad files and records, and is idempotent', async () => {
    store = await createTestDatabase(kind);
    const first = await importPaths(store, [FIXTURES]);
    expect(first.formats).toEqual({ atom: 2, 'hf-daily': 3, kaggle: 1, listing: 2, oai: 3 });
    // 3 kaggle + 3 listing + 3 hf + (2 + 3) oai + 2 atom records.
    expect(first.read).toBe(16);
    expect(first.skipped).toBe(1); // the deleted OAI record
    expect(first.errors).toBe(2); // the HF item without an id, the OAI record in an unknown metadata format
    expect(first.errorDetails.map((e) => `${path.basename(e.file)} ${e.where}: ${e.reason}`)).toEqual([
      '2025-06-02.json record 3: paper has no id',
      'oai-arxiv-formats.xml oai:arXiv.org:2101.00001: unsupported metadata format (found marc)',
    ]);
    expect(first.unusableFiles.map((f) => path.basename(f.file))).toEqual(['atom-error.json', '2024-12-11.json', '2025-01-10.json']);
    // 0704.0001 comes both from the Kaggle line and the arXivRaw record: 11 distinct papers.
    expect(first.inserted).toBe(11);
    expect(first.inserted + first.updated + first.unchanged + first.merged).toBe(first.read - first.errors - first.skipped);
    expect(first.dailyEntries).toBe(2);
    const stats = await storeStats(store);
    expect(stats).toMatchObject({ papers: 11, dailyEntries: 2, firstAnnounced: '2025-03-18', lastAnnounced: '2025-03-18' });

    // The listing paper seen on two days: first day kept, the later comment merged in, stored once.
    expect(await getPaper(store, '2503.11731')).toMatchObject({ announcedOn: '2025-03-18', comments: 'Accepted at CVPR', categories: ['cs.CV', 'cs.RO'] });
    expect(await getPaper(store, '2505.24864')).toMatchObject({
      githubStars: 120,
      codeUrl: 'https://github.com/NVlabs/ProRL',
      keywords: ['reinforcement learning', 'ProRL'],
    });
    const authors = await store.db.selectFrom('paper_authors').select(['position', 'name']).where('paper_id', '=', '0704.0001').orderBy('position').execute();
    // Kaggle (authors_parsed) and arXivRaw (TeX accents decoded) agree but for Yuan's spacing; which one wins a tie
    // of version and date is mergePapers' rule, not the importer's.
    expect(authors.map((a) => Number(a.position))).toEqual([0, 1, 2, 3]);
    expect(authors.slice(0, 3).map((a) => a.name)).toEqual(['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky']);
    expect(authors[3].name).toMatch(/^C\. ?-P\. Yuan$/);

    const again = await importPaths(store, [FIXTURES]);
    expect(again.inserted).toBe(0);
    expect(again.updated).toBe(0);
    expect(again.unchanged + again.merged).toBe(first.inserted + first.merged + first.updated + first.unchanged);
    expect((await storeStats(store)).papers).toBe(11);
  });

  it('reads in a worker thread with the same result as in this thread', async () => {
    store = await createTestDatabase(kind);
    const inWorker = await importPaths(store, [FIXTURES], { parallel: true });
    const other = await createTestDatabase(kind);
    try {
      const inProcess = await importPaths(other, [FIXTURES], { parallel: false });
      const comparable = ({ seconds, papersPerSecond, ...rest }: ImportSummary) => rest;
      expect(comparable(inWorker)).toEqual(comparable(inProcess));
      expect(inWorker.inserted).toBe(11);
      expect(await storeStats(store)).toEqual(await storeStats(other));
    } finally {
      await other.drop();
    }
  });

  it('writes nothing of a batch that fails in the store', async () => {
    store = await createTestDatabase(kind);
    const [item] = parseHfDailyResponse(readFixture('hf/2025-06-02.json'), '2025-06-02');
    if (!('paper' in item)) throw new Error('fixture changed');
    // A NOT NULL violation on the daily entry, written after its paper in the same transaction.
    const broken = { ...item.entry, day: null as unknown as string };
    await expect(storeImportBatch(store, [normalizePaper(item.paper)], [broken])).rejects.toThrow();
    expect(await getPaper(store, '2505.24864')).toBeNull();
    expect((await storeStats(store)).papers).toBe(0);
  });
});

describe('bad input (SQLite)', () => {
  const errorsOf = (s: ImportSummary) => s.errorDetails.map((e) => `${e.where}: ${e.reason}`);
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(tempDir(), name);
    fs.writeFileSync(file, content);
    return file;
  };
  const listingLines = () => readFixture('listings/2025-03-18.jsonl').split('\n').filter(Boolean);

  it('truncated gzip: keeps the complete lines before the damage and reports the file', async () => {
    store = await createTestDatabase('sqlite');
    const many = Array.from({ length: 400 }, (_, i) => {
      const o = JSON.parse(listingLines()[0]);
      o.id = `2503.${String(20000 + i)}`;
      return JSON.stringify(o);
    }).join('\n');
    const gz = zlib.gzipSync(many);
    const file = write('2025-03-20.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const summary = await importPaths(store, [file]);
    expect(summary.unusableFiles).toEqual([{ file, reason: 'truncated gzip: unexpected end of file' }]);
    expect(summary.inserted).toBeGreaterThan(0);
    expect(summary.inserted).toBeLessThan(400);
    expect(summary.errors).toBe(0);
    expect((await storeStats(store)).papers).toBe(summary.inserted);
    // The worker thread reports the damage the same way.
    const again = await importPaths(store, [file], { parallel: true });
    expect(again).toMatchObject({ unusableFiles: summary.unusableFiles, inserted: 0, unchanged: summary.inserted });
  });

  it('an invalid JSON line is one error with its line number; the rest is imported', async () => {
    store = await createTestDatabase('sqlite');
    const [a, b] = listingLines();
    const file = write('2025-03-21.jsonl', `${a}\n{"id": "2503.11999", "title": \n${b}\n`);
    const summary = await importPaths(store, [file]);
    expect(errorsOf(summary)).toEqual([expect.stringMatching(/^line 2: invalid JSON: /)]);
    expect(summary).toMatchObject({ read: 3, inserted: 2, errors: 1 });
  });

  it('XML with an undefined entity makes the file unusable, with the entity named', async () => {
    store = await createTestDatabase('sqlite');
    const file = write('page.xml', readFixture('oai-dc-page.xml').replace('&amp; their', '&ouml; their'));
    const summary = await importPaths(store, [file]);
    expect(summary.unusableFiles[0].reason).toMatch(/undefined entity "&ouml;"/);
    expect(summary.read).toBe(0);
    expect((await storeStats(store)).papers).toBe(0);
  });

  it('CRLF line ends and a byte-order mark are read like plain lines', async () => {
    store = await createTestDatabase('sqlite');
    const file = write('2025-03-25.jsonl', '\uFEFF' + listingLines().join('\r\n') + '\r\n');
    const summary = await importPaths(store, [file]);
    expect(summary).toMatchObject({ read: 2, inserted: 2, errors: 0 });
  });

  it('the id "abc" is rejected as not an arXiv id', async () => {
    store = await createTestDatabase('sqlite');
    const line = JSON.parse(listingLines()[0]);
    const file = write('2025-03-22.jsonl', JSON.stringify({ ...line, id: 'abc' }) + '\n' + listingLines()[1] + '\n');
    const summary = await importPaths(store, [file]);
    expect(errorsOf(summary)).toEqual(['line 1: not an arXiv id: "abc"']);
    expect(summary.inserted).toBe(1);
  });

  it('a 10 MB title is rejected without taking the file down', async () => {
    store = await createTestDatabase('sqlite');
    const line = JSON.parse(listingLines()[0]);
    const file = write('2025-03-23.jsonl', listingLines()[1] + '\n' + JSON.stringify({ ...line, title: 'x'.repeat(10 * 1024 * 1024) }) + '\n');
    const summary = await importPaths(store, [file]);
    expect(errorsOf(summary)).toEqual(['line 2: title longer than 2000 characters']);
    expect(summary.inserted).toBe(1);
  });

  it('the same id twice in one file is stored once, merged', async () => {
    store = await createTestDatabase('sqlite');
    const [a] = listingLines();
    const v2 = JSON.stringify({ ...JSON.parse(a), comment: 'v2 comment' });
    const file = write('2025-03-24.jsonl', `${a}\n${v2}\n`);
    const summary = await importPaths(store, [file]);
    expect(summary).toMatchObject({ read: 2, inserted: 1, merged: 1, errors: 0 });
    expect((await storeStats(store)).papers).toBe(1);
    expect((await getPaper(store, '2503.11731'))?.comments).toBe('v2 comment');
  });

  it('a missing file or a named file of unknown format stops the import before anything is stored', async () => {
    store = await createTestDatabase('sqlite');
    const good = fixturePath('kaggle-snapshot.jsonl');
    await expect(importPaths(store, [good, '/no/such/file.jsonl'])).rejects.toThrow('no such file or folder: /no/such/file.jsonl');
    const readme = write('README.md', '# not papers\n');
    await expect(importPaths(store, [good, readme])).rejects.toThrow(/unknown format: .*README\.md/);
    expect((await storeStats(store)).papers).toBe(0);
  });

  it('a forced format that does not fit reports errors rather than guessing', async () => {
    store = await createTestDatabase('sqlite');
    const summary = await importPaths(store, [fixturePath('atom-page.xml')], { format: 'kaggle' });
    expect(summary.inserted).toBe(0);
    expect(summary.errors).toBe(summary.read);
    expect(summary.errorDetails[0].reason).toMatch(/invalid JSON/);
  });
});

describe.each(databaseKinds)('storeImportBatch on %s', (kind) => {
  it("runs the caller's extra write in the same transaction, and rolls everything back when it fails", async () => {
    store = await createTestDatabase(kind);
    const paper = normalizePaper({ id: '2406.00010', title: 'Atomic' });
    await expect(
      storeImportBatch(store, [paper], [], async () => {
        throw new Error('cursor write failed');
      }),
    ).rejects.toThrow('cursor write failed');
    expect(await getPaper(store, '2406.00010')).toBeNull();
    let sawPaper = false;
    await storeImportBatch(store, [paper], [], async (trx) => {
      sawPaper = !!(await trx.selectFrom('papers').select('id').where('id', '=', '2406.00010').executeTakeFirst());
    });
    expect(sawPaper).toBe(true);
  });
});

describe.each(databaseKinds)('daily-feed entries for the same paper twice in one batch on %s', (kind) => {
  it('are combined like successive imports: first day, newest counts, known facts kept', async () => {
    store = await createTestDatabase(kind);
    const dir = tempDir();
    const [modern] = JSON.parse(readFixture('hf/2025-06-02.json'));
    const later = structuredClone(modern);
    later.paper.submittedOnDailyAt = '2025-06-03T09:00:00.000Z';
    later.paper.upvotes = 80;
    later.paper.githubStars = null;
    later.submittedBy = null;
    fs.writeFileSync(path.join(dir, '2025-06-03.json'), JSON.stringify([modern, later]));
    const summary = await importPaths(store, [dir]);
    expect(summary).toMatchObject({ read: 2, inserted: 1, merged: 1, errors: 0 });
    const row = await store.db.selectFrom('daily_entries').selectAll().where('paper_id', '=', '2505.24864').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ day: '2025-06-02', submitted_by: 'shizhediao', source: 'hf' });
    expect(Number(row.upvotes)).toBe(80);
    expect(await getPaper(store, '2505.24864')).toMatchObject({ githubStars: 120 });
  });
});
