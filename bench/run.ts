// `npm run bench -- <name> [options]`: runs one benchmark (or all). Each benchmark measures its own
// baseline in the same run and prints ratios plus the command that reproduces it.
const benches: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<void> }> }> = {
  http: { summary: 'pages, API and feeds under 50 connections vs a bare route, 74k real papers', load: () => import('./http.ts') },
  'search-build': {
    summary: 'longest app-thread stall during a search index build, worker thread vs in-process, 74k real papers',
    load: () => import('./search-build.ts'),
  },
  'kaggle-cold-start': {
    summary: 'N synthetic Kaggle-format records (from the 200-record sample): import rate and time to a searchable site vs reading the file',
    load: () => import('./kaggle-cold-start.ts'),
  },
  'search-merge': {
    summary:
      'resident memory of a serving process through a merge (papers changed, polled, the delta written as a segment; --full: a full rebuild) against its steady state',
    load: () => import('./search-merge.ts'),
  },
  'search-start': {
    summary: 'start from a saved search snapshot (written by search --snapshot DIR): load time, first hybrid answer, RSS, latency',
    load: () => import('./search-start.ts'),
  },
  keyphrases: {
    summary: 'keyphrase precision@5 vs Hugging Face ai_keywords and TL;DR ROUGE vs ai_summary, against the previous extractor and the first sentence',
    load: () => import('./keyphrases.ts'),
  },
  'search-quality': {
    summary: 'paraphrase and arXiv-title known-item sets over the real papers and SciFact, lexical vs semantic vs hybrid',
    load: () => import('./search-quality.ts'),
  },
  'search-names': {
    summary: 'free-text author names (32 real ones, many of common words) on an imported store: success@5 and precision@5',
    load: () => import('./search-names.ts'),
  },
  'spelling-libraries': {
    summary: "the 74k papers' spelling dictionary in mnemonist's SymSpell vs ours: build, memory, lookups (needs mnemonist installed)",
    load: () => import('./spelling-libraries.ts'),
  },
  search: {
    summary: 'search latency by query class (lexical/semantic/hybrid) vs FTS5 and MiniSearch, 74k real or N synthetic papers',
    load: () => import('./search.ts'),
  },
  load: { summary: 'people voting and commenting at once, SQLite and PostgreSQL', load: () => import('./load.ts') },
  cluster: {
    summary: 'three serve processes on PostgreSQL behind HAProxy, 200 people for 60 s, one process killed and restarted: nothing lost or doubled',
    load: () => import('./cluster.ts'),
  },
  import: {
    summary: 'import the 410 daily listing files into a fresh store vs gunzip + JSON.parse alone, SQLite and PostgreSQL',
    load: () => import('./import.ts'),
  },
  digest: { summary: 'compose 100k digests over the 74k real papers vs a fixed render; SMTP send rate vs bare nodemailer', load: () => import('./digest.ts') },
  compression: {
    summary: 'gzip vs brotli quality 4, 5 (served) and 11 on real daily-papers API bodies: size and time',
    load: () => import('./compression.ts'),
  },
  recommend: {
    summary: '"For you" on Hugging Face submitters: per-person linear SVM vs vector centroid vs popularity, recall@20 and nDCG@20',
    load: () => import('./recommend.ts'),
  },
  harvest: { summary: 'OAI-PMH harvest of the real 3-page token chain vs parsing alone; arXiv pacing vs its floor', load: () => import('./harvest.ts') },
  soak: {
    summary: 'mixed and hostile traffic against paperfeed serve on the real store for --minutes (10): 5xx, p99 over time, RSS growth',
    load: () => import('./soak.ts'),
  },
  abuse: { summary: "another visitor's latency alone vs under junk-cookie and digest-preview floods (4 connections each)", load: () => import('./abuse.ts') },
  'rate-limit': {
    summary: 'cost of a rate-limit hit: shared exact and batched limiters vs an in-memory counter, SQLite and PostgreSQL',
    load: () => import('./rate-limit.ts'),
  },
};

const [name, ...args] = process.argv.slice(2);
if (!name || !(name in benches)) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|') || 'name'}> [options]`);
  for (const [n, b] of Object.entries(benches)) console.error(`  ${n.padEnd(8)} ${b.summary}`);
  process.exit(name ? 2 : 0);
}
const bench = await benches[name].load();
await bench.run(args);
