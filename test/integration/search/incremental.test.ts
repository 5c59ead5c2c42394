// The index on a real store (SQLite, and PostgreSQL when configured) follows the papers table without rebuilding:
// a paper added, changed, hidden or shown again is searched (lexical, hybrid, filters, similar papers) after the
// next poll, from the delta, with the snapshot generation unchanged; another service on the same data dir loads the
// snapshot instead of building it and sees the same; past the merge threshold a build folds the delta into a new
// snapshot; an unusable snapshot is rebuilt with a log line.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPaperHidden } from '../../../src/db/moderation.ts';
import { upsertPapers } from '../../../src/db/papers.ts';
import { createUser } from '../../../src/db/users.ts';
import type { Paper } from '../../../src/domain/paper.ts';
import { DatabaseSearchService, type SearchServiceOptions } from '../../../src/search/service.ts';
import { indexDir } from '../../../src/search/snapshot.ts';
import type { ConnectOptions } from '../../../src/db/connect.ts';
import { createTestDatabase, databaseKinds, PG_URL, tempDir, type TestDatabase } from '../../helpers/db.ts';

const TOPICS = [
  ['Diffusion models for image synthesis', 'Score-based diffusion models synthesise images; guidance trades diversity for fidelity.'],
  ['Graph neural networks for molecules', 'Message passing graph neural networks predict molecular properties of small molecules.'],
  ['Speculative decoding for language models', 'Speculative decoding accelerates language model inference with a small draft model.'],
  ['Reinforcement learning for robot control', 'Policy gradient methods learn robot locomotion from simulated experience.'],
];

function paper(id: string, title: string, abstract: string, category = 'cs.LG'): Paper {
  return {
    id,
    version: 1,
    title,
    abstract,
    authors: ['Ada Lovelace'],
    categories: [category],
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
  };
}

const seed = Array.from({ length: 40 }, (_, i) => paper(`2502.${String(10000 + i)}`, `${TOPICS[i % 4][0]} ${i}`, `${TOPICS[i % 4][1]} Study ${i}.`));

describe.each(databaseKinds)('incremental search index (%s)', (kind) => {
  let database: TestDatabase;
  let dataDir: string;
  let service: DatabaseSearchService;
  const logs: string[] = [];
  const options = (overrides: Partial<SearchServiceOptions> = {}): SearchServiceOptions => ({
    dataDir,
    embedder: 'corpus',
    refreshIntervalMs: Number.MAX_SAFE_INTEGER,
    minRebuildIntervalMs: 0,
    trainIfMissing: true,
    log: (m) => logs.push(m),
    ...overrides,
  });
  const ids = async (s: DatabaseSearchService, q: string, mode: 'lexical' | 'hybrid' = 'lexical') =>
    (await s.search(q, { mode, limit: 50 })).hits.map((h) => h.id);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    dataDir = tempDir();
    await upsertPapers(database, seed);
    service = new DatabaseSearchService(database, options());
    await service.refresh();
  });
  afterAll(async () => {
    await service?.close();
    await database.drop();
  });

  it('finds a new paper after the next poll, from the delta, with no rebuild', async () => {
    const { generation, baseDocs } = service.status()!;
    expect(baseDocs).toBe(40);
    expect(service.status()!.semantic).toBe(true);
    await upsertPapers(database, [
      paper('2503.00001', 'Axolotl regeneration atlas', 'Single-cell atlas of axolotl limb regeneration with diffusion models.', 'q-bio.CB'),
    ]);
    expect(await ids(service, 'axolotl')).toEqual([]);
    await service.refresh();
    expect(service.status()).toMatchObject({ generation, baseDocs: 40, deltaSize: 1, liveDocs: 41 });
    expect(await ids(service, 'axolotl')).toEqual(['2503.00001']);
    expect(await ids(service, 'axolotl', 'hybrid')).toContain('2503.00001');
    expect(await ids(service, '"limb regeneration"')).toEqual(['2503.00001']);
    expect(await ids(service, 'diffusion category:q-bio.CB')).toEqual(['2503.00001']);
    expect((await service.search('diffusion', { mode: 'lexical', limit: 50 })).total).toBe(11);
    // It has a vector from the current model: similar papers work both ways.
    const similar = await service.similar('2503.00001', 3);
    expect(similar).toHaveLength(3);
    expect(similar.map((s) => s.id)).not.toContain('2503.00001');
    expect((await service.similar('2502.10000', 41)).map((s) => s.id)).toContain('2503.00001');
  });

  it('replaces a changed paper: the old version is never returned', async () => {
    await upsertPapers(database, [
      { ...seed[1], version: 2, title: 'Quokka behaviour in the wild', abstract: 'Field observations of quokka social behaviour.' },
    ]);
    await service.refresh();
    expect(await ids(service, 'quokka')).toEqual(['2502.10001']);
    expect(await ids(service, 'molecules')).not.toContain('2502.10001');
    // Hybrid may still bring it by meaning (20 nearest papers of 41), but never on the old version's words.
    const hybrid = (await service.search('molecules', { mode: 'hybrid', limit: 50 })).hits.find((h) => h.id === '2502.10001');
    expect(hybrid?.parts.lexical ?? 0).toBe(0);
    expect((await service.search('molecules', { mode: 'lexical' })).total).toBe(9);
  });

  it('drops a hidden paper and brings it back when shown again', async () => {
    // Through the moderation write path, which must move modified_at for polling indexes to notice.
    const moderator = await createUser(database, { username: 'mod', email: 'mod@example.org', role: 'admin' });
    await setPaperHidden(database, moderator.id, '2502.10002', true);
    await service.refresh();
    expect(await ids(service, 'speculative decoding')).not.toContain('2502.10002');
    expect(await ids(service, 'speculative decoding', 'hybrid')).not.toContain('2502.10002');
    expect(await service.similar('2502.10002', 3)).toEqual([]);
    expect((await service.similar('2502.10006', 41)).map((s) => s.id)).not.toContain('2502.10002');
    await setPaperHidden(database, moderator.id, '2502.10002', false);
    await service.refresh();
    expect(await ids(service, 'speculative decoding')).toContain('2502.10002');
  });

  it('a second service on the same data dir loads the snapshot (no build) and sees the same, delta included', async () => {
    logs.length = 0;
    const second = new DatabaseSearchService(database, options());
    await second.refresh();
    expect(logs.join('\n')).toMatch(/search: snapshot \S+ loaded in \d+ ms \(40 papers in 1 segment\)/);
    expect(logs.join('\n')).not.toMatch(/lexical index over/);
    expect(second.status()!.generation).toBe(service.status()!.generation);
    for (const q of ['axolotl', 'quokka', 'speculative decoding', 'diffusion models', 'molecules']) {
      for (const mode of ['lexical', 'hybrid'] as const) {
        expect((await second.search(q, { mode })).hits, `${mode} ${q}`).toEqual((await service.search(q, { mode })).hits);
      }
    }
    await second.close();
  });

  it('folds the delta into a stored segment past the merge threshold, with no build, and other services load it', async () => {
    const merging = new DatabaseSearchService(database, options({ mergeMinDocs: 5 }));
    await merging.refresh();
    const before = merging.status()!;
    const baseEngine = await merging.engine();
    expect(before).toMatchObject({ segments: 1, baseDocs: 40, deltaSize: 3 });
    await upsertPapers(
      database,
      Array.from({ length: 5 }, (_, i) => paper(`2503.1000${i}`, `Narwhal tusk sensing ${i}`, 'Narwhal tusks sense salinity.')),
    );
    logs.length = 0;
    await merging.refresh(); // applies the delta, writes it as a segment and loads the new generation
    const after = merging.status()!;
    expect(after.generation).not.toBe(before.generation);
    // The base stays as it was (one changed paper tombstoned in it); the delta's 7 documents are a segment of their own.
    expect(after).toMatchObject({ segments: 2, baseDocs: 40, storedDocs: 47, deltaSize: 0, liveDocs: 46 });
    expect(logs.join('\n')).toMatch(/search: delta of 7 papers written as a segment of \S+ in \d+ ms/);
    expect(logs.join('\n')).not.toMatch(/lexical index over/);
    // Nothing was built, copied or read again: the base's files are links to the previous generation's, and the
    // base in memory is the one loaded before.
    const filesOf = (g: string) => fs.readdirSync(path.join(indexDir(dataDir), g)).filter((f) => f.endsWith('.lexical.impacts.bin'));
    const baseFile = filesOf(before.generation)[0];
    expect(filesOf(after.generation)).toContain(baseFile);
    const inode = (g: string) => fs.statSync(path.join(indexDir(dataDir), g, baseFile)).ino;
    expect(inode(after.generation)).toBe(inode(before.generation));
    expect(await merging.engine()).toBe(baseEngine);
    expect(await ids(merging, 'narwhal')).toHaveLength(5);
    expect(await ids(merging, 'axolotl')).toEqual(['2503.00001']);
    expect(await ids(merging, 'quokka')).toEqual(['2502.10001']);
    expect(await ids(merging, 'molecules')).not.toContain('2502.10001');
    expect(await ids(merging, 'narwhal', 'hybrid')).toHaveLength(5);
    // The first service sees the new generation at its next check and loads it.
    await service.refresh();
    expect(service.status()).toMatchObject({ generation: after.generation, segments: 2, deltaSize: 0, liveDocs: 46 });
    expect(await ids(service, 'narwhal')).toHaveLength(5);
    // So does a new process, from disk alone, and it answers as the others do.
    const fresh = new DatabaseSearchService(database, options());
    await fresh.refresh();
    expect(fresh.status()).toMatchObject({ generation: after.generation, segments: 2, deltaSize: 0, liveDocs: 46 });
    for (const q of ['axolotl', 'quokka', 'narwhal tusk', 'diffusion models', 'molecules']) {
      for (const mode of ['lexical', 'hybrid'] as const) {
        expect((await fresh.search(q, { mode })).hits, `${mode} ${q}`).toEqual((await merging.search(q, { mode })).hits);
      }
    }
    await fresh.close();
    await merging.close();
  });

  it('joins four flushed segments into one in the worker thread, and every process answers as before', async () => {
    const connection: ConnectOptions = kind === 'sqlite' ? { sqlitePath: database.location } : { databaseUrl: PG_URL!, pgSchema: database.location };
    const merging = new DatabaseSearchService(database, options({ mergeMinDocs: 2, joinMaxShare: 1, buildWorker: connection }));
    await merging.refresh();
    const flushes = merging.status()!.segments - 1;
    // Flushed deltas up to four level-0 segments, each written at a refresh (a new paper and a new version each time).
    for (let round = flushes; round < 4; round++) {
      await upsertPapers(database, [
        paper(`2504.0000${round}`, `Pangolin scale armour ${round}`, 'Pangolin scales resist bites.'),
        { ...seed[20 + round], version: 2, title: `Okapi stripes ${round}`, abstract: 'Okapi stripe patterns camouflage calves.' },
      ]);
      await merging.refresh();
    }
    const flushed = merging.status()!;
    expect(flushed.segments).toBe(5);
    const want = new Map<string, unknown>();
    const queries = ['pangolin', 'okapi stripes', 'narwhal tusk', 'diffusion models', 'molecules', 'axolotl'];
    for (const q of queries)
      for (const mode of ['lexical', 'hybrid'] as const)
        want.set(
          `${mode} ${q}`,
          (await merging.search(q, { mode })).hits.map((h) => h.id),
        );
    logs.length = 0;
    await merging.refresh(); // nothing new: the four level-0 segments are joined
    const joined = merging.status()!;
    expect(logs.join('\n')).toMatch(/search: 4 segments joined into one of \d+ papers \(\S+\) in \d+ ms/);
    expect(joined).toMatchObject({ segments: 2, liveDocs: flushed.liveDocs, deltaSize: 0 });
    expect(joined.generation).not.toBe(flushed.generation);
    for (const q of queries) {
      for (const mode of ['lexical', 'hybrid'] as const) {
        expect(new Set((await merging.search(q, { mode })).hits.map((h) => h.id)), `${mode} ${q}`).toEqual(new Set(want.get(`${mode} ${q}`) as string[]));
      }
    }
    const rounds = 4 - flushes;
    expect(await ids(merging, 'pangolin')).toHaveLength(rounds);
    expect(await ids(merging, 'okapi')).toHaveLength(rounds);
    // A paper changed after the join is found in its new version only.
    const changed = `2504.0000${flushes}`;
    await upsertPapers(database, [{ ...paper(changed, 'Tapir snorkel trunks', 'Tapirs use their trunks as snorkels.'), version: 2 }]);
    await merging.refresh();
    expect(await ids(merging, 'tapir')).toEqual([changed]);
    expect(await ids(merging, 'pangolin')).toHaveLength(rounds - 1);
    // Another process loads the generation in use (the change was flushed too: two changes pass this threshold).
    await service.refresh();
    const now = merging.status()!;
    expect(now.segments).toBe(3);
    expect(service.status()).toMatchObject({ generation: now.generation, segments: 3, liveDocs: now.liveDocs });
    expect(await ids(service, 'tapir')).toEqual([changed]);
    expect(await ids(service, 'okapi')).toEqual(await ids(merging, 'okapi'));
    await merging.close();
  });

  it('rebuilds an unusable snapshot with a log line', async () => {
    const generation = service.status()!.generation;
    const dir = path.join(indexDir(dataDir), generation);
    const section = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.lexical.impacts.bin'))!);
    fs.truncateSync(section, 3);
    logs.length = 0;
    const next = new DatabaseSearchService(database, options());
    await next.refresh();
    expect(logs.join('\n')).toMatch(new RegExp(`search: snapshot ${generation} is unusable \\(lexical.impacts: .*truncated.*\\); rebuilding it`));
    expect(next.status()!.generation).not.toBe(generation);
    expect(await ids(next, 'narwhal')).toHaveLength(5);
    await next.close();
  });
});
