// Crafted import files that once ended the whole import (a stack overflow) or took 100 s and 3.5 GB (twenty
// million records in a 58 KB gzip): each is now one unusable file, reported, and the good files after it are
// still imported, by `paperfeed import` and by the Hugging Face sync inside `serve`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getPaper } from '../../src/db/papers.ts';
import { MAX_DAILY_RECORDS } from '../../src/ingest/formats/hf-daily.ts';
import { MAX_ELEMENT_DEPTH } from '../../src/ingest/formats/xml.ts';
import { syncHfDailyPapers } from '../../src/ingest/hf-sync.ts';
import { importPaths } from '../../src/ingest/import.ts';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../helpers/db.ts';
import { fixturePath, readFixture } from '../helpers/fixtures.ts';
import { harvestConfig, sourceContext } from '../helpers/harvest-fixtures.ts';
import { startReplayServer, type ReplayResponse, type ReplayServer } from '../helpers/replay-server.ts';

const NESTED_ELEMENTS = 200_000;
const EMPTY_RECORDS = 20_000_000;

/** `<OAI-PMH><a><a>…</a></a></OAI-PMH>`: 1.4 MB, well-formed, no DOCTYPE. */
function deeplyNestedXml(root: string): string {
  return `<${root}>${'<a>'.repeat(NESTED_ELEMENTS)}${'</a>'.repeat(NESTED_ELEMENTS)}</${root}>`;
}

/** `[{},{},…]` with twenty million elements: 60 MB of JSON, about 58 KB gzipped. */
function manyEmptyRecordsGzip(): Buffer {
  const block = '{},'.repeat(100_000);
  const parts = ['[', ...Array.from({ length: EMPTY_RECORDS / 100_000 - 1 }, () => block), block.slice(0, -1), ']'];
  return zlib.gzipSync(parts.join(''));
}

let bomb: Buffer;
beforeAll(() => {
  bomb = manyEmptyRecordsGzip();
});

let store: TestDatabase | undefined;
let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  await store?.drop();
  server = undefined;
  store = undefined;
});

/** A folder walked in name order: the two hostile files first, then good ones. */
function hostileFolder(): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, '1-deep.xml'), deeplyNestedXml('OAI-PMH'));
  fs.writeFileSync(path.join(dir, '2-deep-feed.xml'), deeplyNestedXml('feed'));
  fs.writeFileSync(path.join(dir, '3-many-2025-06-01.json.gz'), bomb);
  fs.copyFileSync(fixturePath('hf/2025-06-02.json'), path.join(dir, '4-good-2025-06-02.json'));
  fs.copyFileSync(fixturePath('oai-dc-page.xml'), path.join(dir, '5-good-oai.xml'));
  return dir;
}

describe.each(databaseKinds)('hostile import files on %s', (kind) => {
  it.each([false, true])('reports each as unusable and imports the good files after them (worker thread: %s)', async (parallel) => {
    store = await createTestDatabase(kind);
    expect(bomb.length).toBeLessThan(100_000);
    const summary = await importPaths(store, [hostileFolder()], { parallel });
    expect(summary.unusableFiles.map((f) => [path.basename(f.file), f.reason])).toEqual([
      ['1-deep.xml', `elements nested deeper than ${MAX_ELEMENT_DEPTH} levels`],
      ['2-deep-feed.xml', `elements nested deeper than ${MAX_ELEMENT_DEPTH} levels`],
      ['3-many-2025-06-01.json.gz', `more than ${MAX_DAILY_RECORDS} records: the rest of the document was not read`],
    ]);
    // The records before the cut are read (each `{}` is a record error), not twenty million of them.
    const fromBomb = summary.errorDetails.filter((e) => e.file.endsWith('3-many-2025-06-01.json.gz'));
    expect(fromBomb[0]).toMatchObject({ where: 'record 1', reason: 'no "paper" object' });
    // 10,000 empty records, then the fixture day's item without an id.
    expect(summary.errors).toBe(MAX_DAILY_RECORDS + 1);
    expect(summary.read).toBeLessThan(MAX_DAILY_RECORDS + 100);
    expect(await getPaper(store, '2505.24864')).not.toBeNull();
    expect(await getPaper(store, '1401.4788')).not.toBeNull();
    expect(summary.dailyEntries).toBe(2);
  });
});

describe('the Hugging Face sync', () => {
  it('skips a day of twenty million records and stores the next day', async () => {
    store = await createTestDatabase('sqlite');
    const today = new Date().toISOString().slice(0, 10);
    const good = readFixture('hf/2025-06-02.json');
    server = await startReplayServer(
      (req): ReplayResponse =>
        req.query.get('date') === today
          ? { status: 200, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb }
          : { status: 200, headers: { 'content-type': 'application/json' }, body: good },
    );
    const counts = await syncHfDailyPapers(await sourceContext(harvestConfig(server.url, { HF_SYNC: 'true' }), store), 2);
    expect(counts).toMatchObject({ days: 1, unusableDays: 1, entries: 2 });
    expect(await getPaper(store, '2505.24864')).not.toBeNull();
  });
});
