// Two real `paperfeed serve` processes sharing one data dir and one store (SQLite, and PostgreSQL when
// configured): one builds the search snapshot (under the database lease), the other loads what it wrote instead
// of building; a paper written to the store becomes searchable over HTTP in both, from their deltas, with no
// rebuild in either.
import { afterEach, describe, expect, it } from 'vitest';
import { upsertPapers } from '../../../src/db/papers.ts';
import type { Paper } from '../../../src/domain/paper.ts';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../../helpers/db.ts';
import { startPaperfeed, type PaperfeedProcess } from '../../helpers/paperfeed-process.ts';

let store: TestDatabase | undefined;
let processes: PaperfeedProcess[] = [];
afterEach(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await store?.drop();
  processes = [];
  store = undefined;
});

function paper(i: number, title: string, abstract: string): Paper {
  return {
    id: `2502.${String(10000 + i)}`,
    version: 1,
    title,
    abstract,
    authors: ['Ada Lovelace'],
    categories: ['cs.LG'],
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

const port = (p: PaperfeedProcess) => Number(/listening on [^:]+:(\d+)/.exec(p.output().stdout)![1]);

async function searchIds(p: PaperfeedProcess, q: string): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port(p)}/api/papers/search?q=${encodeURIComponent(q)}&mode=lexical`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { paper: { id: string } }[]).map((h) => h.paper.id);
}

describe.each(databaseKinds)('search across two serve processes (%s)', (kind) => {
  it('one builds, the other loads, and a new paper is found by both', async () => {
    store = await createTestDatabase(kind);
    await upsertPapers(
      store,
      Array.from({ length: 30 }, (_, i) => paper(i, `Graph neural networks ${i}`, `Message passing networks for molecules, study ${i}.`)),
    );
    const env = {
      PAPERFEED_DATA_DIR: tempDir(),
      ...store.env,
      HOST: '127.0.0.1',
      PORT: '0',
      SCHEDULER: 'false',
      EMBEDDER: 'none',
      SEARCH_POLL_SECONDS: '1',
      LOG_LEVEL: 'info',
    };
    const first = startPaperfeed(['serve'], env);
    processes.push(first);
    await first.waitFor(/Paperfeed is serving/, 60_000);
    // Nothing is built until the first search asks for it.
    expect(first.output().stderr).not.toMatch(/lexical index over/);
    expect(await searchIds(first, 'molecules')).toHaveLength(20);
    await first.waitFor(/search: snapshot \S+ written/, 120_000);
    const second = startPaperfeed(['serve'], env);
    processes.push(second);
    await second.waitFor(/search: snapshot \S+ loaded in \d+ ms \(30 papers in 1 segment\)/, 60_000);
    expect(second.output().stderr).not.toMatch(/lexical index over/);
    expect(await searchIds(second, 'molecules')).toHaveLength(20);

    await upsertPapers(store, [paper(99, 'Axolotl limb regeneration', 'A single-cell atlas of axolotl regeneration.')]);
    const started = Date.now();
    for (const p of [first, second]) {
      while ((await searchIds(p, 'axolotl')).length === 0) {
        expect(Date.now() - started, 'searchable within 60 s').toBeLessThan(60_000);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await searchIds(p, 'axolotl')).toEqual(['2502.10099']);
    }
    // Found from the delta: each process built (or loaded) the index once.
    expect(first.output().stderr.match(/lexical index over/g)).toHaveLength(1);
    expect(second.output().stderr).not.toMatch(/lexical index over/);
    expect(second.output().stderr).toMatch(/1 papers added/);
  }, 240_000);
});
