// `npm run bench -- search-merge --dir DIR`
//
// Resident memory of a serving process during a merge: on a data dir holding a SQLite store and a search snapshot
// (e.g. the one `npm run bench -- kaggle-cold-start --dir DIR` leaves), the service loads the snapshot and answers a
// few queries (steady state, read after a garbage collection), then builds a new snapshot in its worker thread and
// swaps it in, as a merge does, while RSS is sampled every 50 ms from this thread (the worker's memory is the same
// process's). Prints steady state, peak and their ratio.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '../src/db/connect.ts';
import { DatabaseSearchService } from '../src/search/service.ts';
import { mb, residentAfterGc } from './search.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' } } });
  if (!values.dir) throw new Error('usage: npm run bench -- search-merge --dir DIR (a data dir with paperfeed.sqlite and a snapshot)');
  const dir = path.resolve(values.dir);
  const sqlitePath = path.join(dir, 'paperfeed.sqlite');
  const database = connect({ sqlitePath });
  const service = new DatabaseSearchService(database, {
    dataDir: dir,
    embedder: 'corpus',
    refreshIntervalMs: Number.MAX_SAFE_INTEGER,
    minRebuildIntervalMs: 0,
    trainIfMissing: false,
    buildWorker: { sqlitePath },
    log: (m) => console.log(`  ${m}`),
  });
  try {
    await service.refresh();
    for (const q of ['graph neural networks', 'quantum field theory', '"phase transition"', 'dark matter halo']) await service.search(q, { mode: 'hybrid' });
    const steady = await residentAfterGc();
    console.log(`steady state: ${mb(steady)} (${service.status()!.baseDocs} papers)`);
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    await service.rebuild();
    await service.search('graph neural networks', { mode: 'hybrid' });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const after = await residentAfterGc();
    console.log(
      `merge (full build in the worker, new snapshot loaded and swapped in): ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `peak RSS ${mb(peak)} = ${(peak / steady).toFixed(2)}× steady state (target ≤ 1.3×); after: ${mb(after)}`,
    );
  } finally {
    await service.close();
    await database.close();
  }
  console.log(`\nreproduce: npm run bench -- search-merge --dir ${values.dir}`);
}
