// `npm run bench -- search-build [--dir DIR] [--modes worker,inprocess] [--embedder corpus|none]`
// How long the app's event loop stalls while the search index is (re)built: the service's build in a worker thread
// against the same build in the app's thread (the baseline), over the 74k real papers of
// ../shared/data/arxiv-daily-listings imported into a SQLite store under DIR (imported on first use, then reused).
// A 10 ms timer on the app thread records the longest gap between its ticks during each build; the derived files
// (model, vectors, graph) made by the first build are reused by the next, as in a real rebuild.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { importPaths } from '../src/ingest/import.ts';
import { DatabaseSearchService } from '../src/search/service.ts';

const LISTINGS = path.resolve(import.meta.dirname, '../../shared/data/arxiv-daily-listings/days');

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string', default: path.join(os.tmpdir(), 'paperfeed-bench-search-build') },
      modes: { type: 'string', default: 'worker,inprocess' },
      embedder: { type: 'string', default: 'corpus' },
    },
  });
  const dir = path.resolve(values.dir!);
  const sqlitePath = path.join(dir, 'paperfeed.sqlite');
  const database = connect({ sqlitePath });
  try {
    if (!fs.existsSync(path.join(dir, '.imported'))) {
      await migrate(database);
      const started = Date.now();
      const summary = await importPaths(database, [LISTINGS]);
      console.log(`imported ${JSON.stringify(summary).slice(0, 200)}… in ${Date.now() - started} ms`);
      fs.writeFileSync(path.join(dir, '.imported'), '');
    }
    for (const mode of values.modes!.split(',')) {
      const t0 = Date.now();
      let longestGap = 0;
      let ticks = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
        ticks++;
      }, 10);
      const service = new DatabaseSearchService(database, {
        dataDir: dir,
        embedder: values.embedder as 'corpus' | 'none',
        refreshIntervalMs: Number.MAX_SAFE_INTEGER,
        minRebuildIntervalMs: 0,
        trainIfMissing: true,
        log: (m) => console.log(`  [${mode} +${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}`),
        buildWorker: mode === 'worker' ? { sqlitePath } : undefined,
      });
      await service.refresh();
      clearInterval(timer);
      longestGap = Math.max(longestGap, performance.now() - last);
      const seconds = (Date.now() - t0) / 1000;
      console.log(
        `${mode}: build ${seconds.toFixed(1)} s; app thread: longest stall ${Math.round(longestGap)} ms, ${ticks} of ~${Math.round(seconds * 100)} 10 ms ticks; RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
      );
      await service.close();
    }
  } finally {
    await database.close();
  }
  console.log(`\nreproduce: npm run bench -- search-build --dir ${dir} --modes ${values.modes} --embedder ${values.embedder}`);
}
