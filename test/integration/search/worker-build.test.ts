// Index builds in a worker thread, on real stores (SQLite, and PostgreSQL when configured): the app's event loop
// keeps answering HTTP while the worker builds; the snapshot it writes, loaded back by the app, ranks exactly like
// an in-process build (lexical arrays, vectors, the ANN graph); a failing or dying worker leaves the service
// answering from its previous snapshot (and its delta), logs why, and the next refresh retries.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectOptions } from '../../../src/db/connect.ts';
import { upsertPapers } from '../../../src/db/papers.ts';
import { streamIndexablePapers, type IndexablePaper } from '../../../src/db/search.ts';
import type { Paper } from '../../../src/domain/paper.ts';
import { SearchEngine } from '../../../src/search/engine.ts';
import { parseQuery } from '../../../src/search/query.ts';
import { finishModel } from '../../../src/search/semantic/corpus-embedder.ts';
import { ANN_MIN_DOCS } from '../../../src/search/semantic/prepare.ts';
import { DatabaseSearchService, type SearchServiceOptions, type StartWorkerBuild } from '../../../src/search/service.ts';
import { startWorkerBuild } from '../../../src/search/worker-build.ts';
import { saveCorpusModel, searchDir } from '../../../src/search/store.ts';
import { terms } from '../../../src/search/text/analyze.ts';
import { createTestDatabase, databaseKinds, PG_URL, tempDir, type TestDatabase } from '../../helpers/db.ts';
import { makePaper } from '../../helpers/factory.ts';

// Above ANN_MIN_DOCS, so the worker builds and saves an HNSW graph and the app loads it.
const PAPERS = 10_200;
const QUERIES = ['quorvex lanti', 'delsa', '"quorvex lanti" renbo', 'author:hopper tessin', 'year:2024 mirak zulen'];

/** Deterministic synthetic papers: words from a 400-word vocabulary with a skewed (Zipf-like) frequency. */
function syntheticPapers(n: number): Paper[] {
  const syllables = ['quor', 'vex', 'lan', 'ti', 'mar', 'del', 'sa', 'ren', 'bo', 'tes', 'sin', 'mi', 'rak', 'zu', 'len', 'ko', 'pra', 'nel', 'fi', 'dor'];
  const words: string[] = [];
  for (let i = 0; i < 400; i++) words.push(syllables[i % 20] + syllables[Math.floor(i / 20)]);
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const word = () => words[Math.floor(words.length * rnd() ** 2.5)];
  const text = (k: number) => Array.from({ length: k }, word).join(' ');
  return Array.from({ length: n }, (_, i) =>
    makePaper({
      id: `2401.${String(10000 + i)}`,
      title: text(8),
      abstract: `${text(40)}. ${text(30)}.`,
      authors: [i % 3 ? 'Grace Hopper' : 'Alan Turing', `Author ${i % 50}`],
      categories: [i % 2 ? 'cs.CL' : 'cs.LG'],
      submittedAt: `${2023 + (i % 3)}-0${1 + (i % 9)}-1${i % 10}T00:00:00.000Z`,
      announcedOn: null,
    }),
  );
}

/**
 * A saved corpus model (seeded random word vectors over the corpus's words) that is never "drifted", so builds
 * load it instead of training: keeps the test fast while the worker still embeds and builds the graph.
 */
function saveModel(dataDir: string, papers: Paper[]): void {
  const vocabulary = [...new Set(papers.slice(0, 500).flatMap((p) => terms(`${p.title} ${p.abstract}`)))].sort();
  const dims = 24;
  let seed = 7;
  const wordVectors = Float32Array.from({ length: vocabulary.length * dims }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);
  saveCorpusModel(searchDir(dataDir), finishModel(vocabulary, new Float32Array(vocabulary.length).fill(1), wordVectors, dims, 1_000_000));
}

async function listen(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.each(databaseKinds)('search builds in a worker thread (%s)', (kind) => {
  let database: TestDatabase;
  let dataDir: string;
  let connection: ConnectOptions;
  let service: DatabaseSearchService;
  const logs: string[] = [];
  const options = (overrides: Partial<SearchServiceOptions> = {}): SearchServiceOptions => ({
    dataDir,
    embedder: 'corpus',
    refreshIntervalMs: Number.MAX_SAFE_INTEGER,
    minRebuildIntervalMs: 0,
    trainIfMissing: true,
    log: (m) => logs.push(m),
    buildWorker: connection,
    ...overrides,
  });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    connection = kind === 'sqlite' ? { sqlitePath: database.location } : { databaseUrl: PG_URL, pgSchema: database.location };
    dataDir = tempDir();
    const papers = syntheticPapers(PAPERS);
    for (let i = 0; i < papers.length; i += 1_000) await upsertPapers(database, papers.slice(i, i + 1_000));
    saveModel(dataDir, papers);
  });
  afterAll(async () => {
    await service?.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the event loop answering HTTP while the worker builds', async () => {
    const server = await listen();
    try {
      service = new DatabaseSearchService(database, options());
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      let built = false;
      const build = service.refresh().then(() => (built = true));
      // Requests to a real server on this thread, answered while the build is still running.
      const answeredDuringBuild: boolean[] = [];
      while (!built && answeredDuringBuild.length < 20) {
        const res = await fetch(server.url);
        expect(await res.text()).toBe('ok');
        answeredDuringBuild.push(!built);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await build;
      clearInterval(timer);
      expect(answeredDuringBuild.filter(Boolean).length).toBeGreaterThanOrEqual(3);
      expect(ticks).toBeGreaterThan(3);
    } finally {
      await server.close();
    }
    expect(logs.join('\n')).toMatch(new RegExp(`search: lexical index over ${PAPERS} papers in \\d+ ms`));
    expect(logs.join('\n')).toMatch(/search: embedded \d+ papers/);
    expect(logs.join('\n')).toMatch(/ANN index over \d+ vectors built/);
    const engine = await service.engine();
    expect(engine.docCount).toBe(PAPERS);
    expect(engine.vectors?.count).toBe(PAPERS);
    expect(engine.vectorIndex?.size()).toBe(PAPERS);
    expect(service.embedder?.id).toMatch(/^corpus-lsa-24-/);
  });

  it('ranks exactly like an in-process build over the same papers', async () => {
    const fromWorker = await service.engine();
    const papers: IndexablePaper[] = [];
    for await (const page of streamIndexablePapers(database, null)) papers.push(...page.filter((p) => !p.hidden));
    const inProcess = SearchEngine.build(papers);
    expect(fromWorker.ids).toEqual(inProcess.ids);
    expect(Array.from(fromWorker.days)).toEqual(Array.from(inProcess.days));
    for (const q of QUERIES) {
      const parsed = parseQuery(q, {});
      const a = fromWorker.rank(parsed, 'lexical', 20, null);
      const b = inProcess.rank(parsed, 'lexical', 20, null);
      expect(a.docs.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    }
    // The whole service, semantic and hybrid included, against a service that builds in its own thread (in another
    // data dir holding the same model, vectors and graph, so it builds rather than loads the worker's snapshot).
    const localDir = tempDir();
    fs.cpSync(searchDir(dataDir), searchDir(localDir), { recursive: true, filter: (f) => !f.includes(`${path.sep}index`) });
    const local = new DatabaseSearchService(database, options({ dataDir: localDir, buildWorker: undefined }));
    await local.refresh();
    expect(local.embedder?.id).toBe(service.embedder?.id);
    expect((await local.engine()).vectorIndex?.size()).toBe(PAPERS);
    for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
      for (const q of QUERIES) {
        const a = await service.search(q, { mode, limit: 10 });
        const b = await local.search(q, { mode, limit: 10 });
        expect(a.hits.length, `${mode} ${q}`).toBeGreaterThan(0);
        expect(
          a.hits.map((h) => [h.id, h.score]),
          `${mode} ${q}`,
        ).toEqual(b.hits.map((h) => [h.id, h.score]));
        expect(a.total).toBe(b.total);
      }
    }
    expect(await service.similar('2401.10007', 5)).toEqual(await local.similar('2401.10007', 5));
  });

  it('keeps answering from the previous snapshot when a build fails, logs it, and retries on the next build', async () => {
    const generation = service.status()!.generation;
    const before = await service.search('quorvex lanti', { mode: 'hybrid', limit: 5 });
    // The worker cannot reach the store: an unreachable server, or a SQLite path that cannot exist.
    service.options.buildWorker =
      kind === 'postgres' ? { databaseUrl: 'postgres://nobody:secret@127.0.0.1:1/nowhere' } : { sqlitePath: path.join('/dev/null', 'paperfeed.sqlite') };
    logs.length = 0;
    await expect(service.rebuild()).rejects.toThrow();
    expect(logs.join('\n')).toMatch(/search: index build failed \(.+\); still answering from the previous index/);
    expect(logs.join('\n')).not.toContain('secret');
    expect(service.status()!.generation).toBe(generation);
    expect(await service.search('quorvex lanti', { mode: 'hybrid', limit: 5 })).toEqual(before);
    // A new paper still arrives through the delta, with no build.
    await upsertPapers(database, [{ ...syntheticPapers(1)[0], id: '2402.00001', title: 'Zyxwvut breakthrough', abstract: 'An unmistakable zyxwvut paper.' }]);
    await service.refresh();
    expect((await service.search('zyxwvut', { mode: 'lexical' })).hits.map((h) => h.id)).toEqual(['2402.00001']);
    expect(service.status()!.generation).toBe(generation);

    service.options.buildWorker = connection;
    await service.rebuild();
    expect(service.status()!.generation).not.toBe(generation);
    expect(service.status()!.deltaSize).toBe(0);
    const found = await service.search('zyxwvut', { mode: 'lexical' });
    expect(found.hits.map((h) => h.id)).toEqual(['2402.00001']);
    expect((await service.engine()).vectors?.count).toBe(PAPERS + 1);
  });

  it('answers lexically when the worker dies after the lexical index, and the next refresh completes the index', async () => {
    // A data dir with the model but no snapshot yet: a first build. The worker runs the real build and then throws
    // or exits, as the test says.
    const fresh = tempDir();
    saveModel(fresh, syntheticPapers(PAPERS));
    let fault: 'exit' | 'throw' | null = 'exit';
    const failingEntry = new URL('../../helpers/failing-build-entry.mjs', import.meta.url);
    const startBuild: StartWorkerBuild = (request, handlers) =>
      fault ? startWorkerBuild(Object.assign({}, request, { fault }), handlers, failingEntry) : startWorkerBuild(request, handlers);
    const dying = new DatabaseSearchService(database, options({ dataDir: fresh }), startBuild);
    logs.length = 0;
    const refreshed = dying.refresh();
    refreshed.catch(() => {});
    // The first query answers from the lexical index the worker posted before it died.
    const first = await dying.search('quorvex lanti', { mode: 'hybrid', limit: 5 });
    expect(first.hits.length).toBe(5);
    expect(first.hits.every((h) => h.parts.semantic === undefined)).toBe(true);
    await expect(refreshed).rejects.toThrow(/exited \(code 3\)/);
    expect(logs.join('\n')).toMatch(/index build failed/);
    expect(dying.embedder).toBeNull();

    fault = 'throw';
    await expect(dying.refresh()).rejects.toThrow(/forced failure/);
    expect((await dying.search('quorvex lanti', { mode: 'lexical', limit: 5 })).hits).toEqual(
      (await service.search('quorvex lanti', { mode: 'lexical', limit: 5 })).hits,
    );

    fault = null;
    await dying.refresh();
    expect(dying.embedder?.id).toBe(service.embedder?.id);
    expect((await dying.search('quorvex lanti', { mode: 'hybrid', limit: 5 })).hits).toEqual(
      (await service.search('quorvex lanti', { mode: 'hybrid', limit: 5 })).hits,
    );
    await dying.close();
  });

  it('close() stops a running build', async () => {
    const closing = new DatabaseSearchService(database, options({ dataDir: tempDir() }));
    const refreshed = closing.refresh();
    refreshed.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    await closing.close();
    await expect(refreshed).rejects.toThrow(/exited|closed/);
    // A closed service starts no new build.
    await closing.refresh();
  });
});

it('is above the ANN threshold', () => {
  expect(PAPERS).toBeGreaterThan(ANN_MIN_DOCS);
});
