// `npm run bench -- <name> [options]`: runs one benchmark (or all). Each benchmark measures its own
// baseline in the same run and prints ratios plus the command that reproduces it.
const benches: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<void> }> }> = {
  http: { summary: 'pages, API and feeds under 50 connections vs a bare route, 74k real papers', load: () => import('./http.ts') },
  'search-build': { summary: 'longest app-thread stall during a search index build, worker thread vs in-process, 74k real papers', load: () => import('./search-build.ts') },
  'search-quality': { summary: 'arXiv known-item check (held-out titles find their own abstracts), LSA vs the default embedder', load: () => import('./search-quality.ts') },
  search: { summary: 'search latency by query class (lexical/semantic/hybrid) vs FTS5 and MiniSearch, 74k real or N synthetic papers', load: () => import('./search.ts') },
  load: { summary: 'people voting and commenting at once, SQLite and PostgreSQL', load: () => import('./load.ts') },
  cluster: { summary: 'three serve processes on PostgreSQL behind HAProxy, 200 people for 60 s, one process killed and restarted: nothing lost or doubled', load: () => import('./cluster.ts') },
  import: { summary: 'import the 410 daily listing files into a fresh store vs gunzip + JSON.parse alone, SQLite and PostgreSQL', load: () => import('./import.ts') },
  digest: { summary: 'compose 100k digests over the 74k real papers vs a fixed render; SMTP send rate vs bare nodemailer', load: () => import('./digest.ts') },
  harvest: { summary: 'OAI-PMH harvest of the real 3-page token chain vs parsing alone; arXiv pacing vs its floor', load: () => import('./harvest.ts') },
};

const [name, ...args] = process.argv.slice(2);
if (!name || !(name in benches)) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|') || 'name'}> [options]`);
  for (const [n, b] of Object.entries(benches)) console.error(`  ${n.padEnd(8)} ${b.summary}`);
  process.exit(name ? 2 : 0);
}
const bench = await benches[name].load();
await bench.run(args);
