// `npm run bench -- search-merge --dir DIR [--papers N] [--full]`
//
// Resident memory of a serving process through a merge. On a data dir holding a SQLite store and a search snapshot
// (e.g. the one `npm run bench -- kaggle-cold-start --dir DIR` leaves), the service loads the snapshot and answers
// a few queries (steady state, read after a garbage collection). Then the bench changes N papers in the store (by
// default the merge threshold: 1 % of the papers, at least 2,000), half of them as new versions of existing papers
// and half as new papers, and the service polls them into its delta and, past the threshold, merges: it writes the
// delta as a stored segment and loads the new generation. The changes are written by a child process (as an
// import or a harvest would), and the steady state includes a full SQLite page cache (as serving fills it). RSS is sampled every 50 ms from this thread (a build
// worker's memory is the same process's) from before the changes until the merged index answers. Prints steady
// state, peak and their ratio. With --full it measures a full rebuild in the worker instead (`paperfeed index`).
//
// The store is changed for good: run it on a bench's data dir, not on one that serves people.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { connect } from '../src/db/connect.ts';
import { DatabaseSearchService, mergeThreshold } from '../src/search/service.ts';
import { mb, residentAfterGc } from './search.ts';

const QUERIES = ['graph neural networks', 'quantum field theory', '"phase transition"', 'dark matter halo'];

/**
 * Half new versions of existing papers (their abstracts extended), half new papers (copies under new ids), written
 * by another process, as an import or a harvest would: its memory is not the serving process's.
 */
function changePapers(sqlitePath: string, n: number): void {
  const script = `
    const db = require('better-sqlite3')(process.argv[1]);
    const [n, now, run] = [Number(process.argv[2]), new Date().toISOString(), Date.now().toString(36)];
    const count = db.prepare('SELECT count(*) AS c FROM papers').get().c;
    const step = Math.max(1, Math.floor(count / n));
    const revised = Math.floor(n / 2);
    db.transaction(() => {
      db.prepare(\`UPDATE papers SET version = version + 1, abstract = abstract || ?, modified_at = ?
        WHERE rowid IN (SELECT rowid FROM papers WHERE hidden = 0 AND rowid % ? = 0 LIMIT ?)\`).run(' Revised in merge bench ' + run + '.', now, step, revised);
      db.prepare(\`INSERT INTO papers (id, version, title, abstract, authors, primary_category, categories, submitted_at, updated_at,
          announced_on, versions, created_at, modified_at)
        SELECT 'merge-bench-' || ? || '-' || id, 1, title || ' (merge bench copy)', abstract, authors, primary_category, categories,
          submitted_at, updated_at, announced_on, versions, ?, ?
        FROM papers WHERE hidden = 0 AND rowid % ? = 1 LIMIT ?\`).run(run, now, now, step, n - revised);
    })();`;
  execFileSync(process.execPath, ['-e', script, sqlitePath, String(n)], { stdio: 'inherit' });
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, papers: { type: 'string' }, full: { type: 'boolean', default: false } } });
  if (!values.dir) throw new Error('usage: npm run bench -- search-merge --dir DIR [--papers N] [--full] (a data dir with paperfeed.sqlite and a snapshot)');
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
    for (const q of QUERIES) await service.search(q, { mode: 'hybrid' });
    // A serving process's SQLite page cache is full (pages, feeds and polls read through it): fill it, so that the
    // steady state includes it as serving does and the merge's peak does not count it.
    await sql`SELECT count(*) FROM papers WHERE abstract LIKE '%merge bench%'`.execute(database.db);
    const steady = await residentAfterGc();
    const before = service.status()!;
    console.log(
      `steady state: ${mb(steady)} (${before.liveDocs} papers in ${before.segments} segment${before.segments === 1 ? '' : 's'}, delta ${before.deltaSize})`,
    );
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    let what: string;
    if (values.full) {
      await service.rebuild();
      what = 'full build in the worker, new snapshot loaded and swapped in';
    } else {
      const n = Number(values.papers ?? mergeThreshold(before.liveDocs) - before.deltaSize);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--papers: a positive whole number, not ${values.papers}`);
      changePapers(sqlitePath, n);
      const changed = performance.now();
      await service.refresh(); // polls the changes into the delta, then merges and waits for it
      const after = service.status()!;
      if (after.generation === before.generation) throw new Error(`no merge happened (delta ${after.deltaSize})`);
      what = `${n} papers changed in ${((changed - started) / 1000).toFixed(1)} s, polled and merged (${after.segments} segments, ${after.liveDocs} papers)`;
    }
    for (const q of QUERIES) await service.search(q, { mode: 'hybrid' });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const after = await residentAfterGc();
    console.log(
      `merge (${what}): ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `peak RSS ${mb(peak)} = ${(peak / steady).toFixed(2)}× steady state (target ≤ 1.3×); after: ${mb(after)}`,
    );
  } finally {
    await service.close();
    await database.close();
  }
  console.log(`\nreproduce: npm run bench -- search-merge --dir ${values.dir}${values.full ? ' --full' : ''}`);
}
