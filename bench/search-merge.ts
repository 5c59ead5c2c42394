// `npm run bench -- search-merge --dir DIR [--papers N] [--merges K] [--full]`
//
// Resident memory of a serving process through a merge. On a data dir holding a SQLite store and a search snapshot
// (e.g. the one `npm run bench -- kaggle-cold-start --dir DIR` leaves), the service loads the snapshot and answers
// a few queries (steady state, read after a garbage collection). Then the bench changes N papers in the store (by
// default the merge threshold: 1 % of the papers, at least 2,000), half of them as new versions of existing papers
// and half as new papers, and the service polls them into its delta and, past the threshold, merges: it writes the
// delta as a stored segment and loads the new generation. The changes are written by a child process (as an
// import or a harvest would), and the steady state includes a full SQLite page cache (as serving fills it). RSS is sampled every 50 ms from this thread (a build
// worker's memory is the same process's) from before the changes until the merged index answers. Prints steady
// state, peak and their ratio. --merges K does that K times, then lets the upkeep they made due run (the graphs of
// flushed segments, a join of four: service.ts). The service's search p95 over queries made of paper titles
// is measured before and after, to show what the added segments cost a query. With --full it measures a full
// rebuild in the worker instead (`paperfeed index`).
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

/** p95 of the service's search (hits and highlights included) over the queries, lexical and hybrid, after a warm-up pass. */
async function latency(service: DatabaseSearchService, queries: string[]): Promise<{ lexical: number; hybrid: number }> {
  const p95 = async (mode: 'lexical' | 'hybrid') => {
    for (const q of queries) await service.search(q, { mode });
    const times: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      await service.search(q, { mode });
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[Math.floor(0.95 * (times.length - 1))];
  };
  return { lexical: await p95('lexical'), hybrid: await p95('hybrid') };
}

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
  const { values } = parseArgs({
    args,
    options: { dir: { type: 'string' }, papers: { type: 'string' }, merges: { type: 'string', default: '1' }, full: { type: 'boolean', default: false } },
  });
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
    const { count } = (await sql<{ count: number }>`SELECT max(rowid) AS count FROM papers`.execute(database.db)).rows[0];
    const every = Math.max(1, Math.floor(count / 200));
    const titles = await sql<{ title: string }>`SELECT title FROM papers WHERE hidden = 0 AND rowid % ${every} = 11 LIMIT 200`.execute(database.db);
    const queries = titles.rows.map((r) => r.title.split(/\s+/).slice(0, 3).join(' '));
    const latencyBefore = await latency(service, queries);
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
      const merges = Number(values.merges);
      if (!Number.isInteger(merges) || merges < 1) throw new Error(`--merges: a positive whole number, not ${values.merges}`);
      let changed = 0;
      for (let m = 0; m < merges; m++) {
        const now = service.status()!;
        const n = Number(values.papers ?? mergeThreshold(now.liveDocs) - now.deltaSize);
        if (!Number.isInteger(n) || n < 1) throw new Error(`--papers: a positive whole number, not ${values.papers}`);
        changePapers(sqlitePath, n);
        changed += n;
        await service.refresh(); // polls the changes into the delta, then merges and waits for it
        if (service.status()!.generation === now.generation) throw new Error(`no merge happened (delta ${service.status()!.deltaSize})`);
      }
      const merged = service.status()!;
      const mergesPeak = peak;
      // Nothing changes any more: the upkeep the merges made due runs now (graphs for the flushed segments, a join).
      let upkeep = 0;
      for (let generation = merged.generation; upkeep < 5; upkeep++) {
        await service.refresh();
        if (service.status()!.generation === generation) break;
        generation = service.status()!.generation;
      }
      const after = service.status()!;
      what =
        `${merges} × (papers changed by another process, polled and merged: peak ${mb(mergesPeak)} = ${(mergesPeak / steady).toFixed(2)}×), ${changed} papers in all` +
        (upkeep ? `; then ${upkeep} upkeep step${upkeep === 1 ? '' : 's'} (${merged.segments} → ${after.segments} segments)` : '');
    }
    for (const q of QUERIES) await service.search(q, { mode: 'hybrid' });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const after = await residentAfterGc();
    const latencyAfter = await latency(service, queries);
    console.log(
      `service search p95 over ${queries.length} title-word queries (ms, lexical / hybrid): before ${latencyBefore.lexical.toFixed(1)} / ${latencyBefore.hybrid.toFixed(1)}, ` +
        `after ${latencyAfter.lexical.toFixed(1)} / ${latencyAfter.hybrid.toFixed(1)} (${service.status()!.segments} segments)`,
    );
    console.log(
      `merge (${what}): ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `peak RSS ${mb(peak)} = ${(peak / steady).toFixed(2)}× steady state (target ≤ 1.3×); after: ${mb(after)}`,
    );
  } finally {
    await service.close();
    await database.close();
  }
  console.log(`\nreproduce: npm run bench -- search-merge --dir ${values.dir}${values.full ? ' --full' : ` --merges ${values.merges}`}`);
}
