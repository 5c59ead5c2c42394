// `npm run bench -- http`: requests/s and p99 latency at 50 connections (autocannon) for the home page, a day
// page, a paper page, the API list and a feed, next to a bare route returning a constant string (/healthz)
// measured in the same run against the same server. The store holds the real data in ../shared/data (74,728
// arXiv papers and the Hugging Face daily entries), imported once and kept under the system temp dir.
// The server runs in its own process (`paperfeed serve`) so the load generator does not share its event loop.
// Each route is measured with the page cache on (the default, ≤ 5 s) and, unless --cached-only, off; routes are
// measured in interleaved rounds and medians reported, because the machine may be shared.
import os from 'node:os';
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon';
import { prepareRealStore, REAL_STORE_DIR, startServe, stopServe as stopServer, type Served } from './served-store.ts';

interface Options {
  /** Seconds per measurement. */
  duration: number;
  /** Every route is measured this many times, interleaved with the others; medians are reported. */
  rounds: number;
  connections: number;
  cachedOnly: boolean;
  /** Route keys to leave out (bare, home, day, paper, api, feed). */
  skip: string[];
}

function parseArgs(args: string[]): Options {
  const options: Options = { duration: 4, rounds: 3, connections: 50, cachedOnly: false, skip: [] };
  for (const a of args) {
    const [k, v] = a.replace(/^--/, '').split('=');
    if (k === 'duration') options.duration = Number(v);
    else if (k === 'rounds') options.rounds = Number(v);
    else if (k === 'connections') options.connections = Number(v);
    else if (k === 'cached-only') options.cachedOnly = true;
    else if (k === 'skip') options.skip = (v ?? '').split(',');
    else throw new Error(`unknown option ${a} (use --duration=SECONDS --rounds=N --connections=N --cached-only --skip=paper,feed)`);
  }
  return options;
}

async function startServer(cacheSeconds: number): Promise<Served> {
  // One client address sends everything here; the per-address API quota would otherwise answer 429.
  return startServe(REAL_STORE_DIR, { PAGE_CACHE_SECONDS: String(cacheSeconds), API_RATE_LIMIT_PER_MINUTE: '100000000' });
}

interface Measured {
  name: string;
  path: string;
  rps: number;
  p99: number;
  non2xx: number;
}

interface Sample {
  rps: number;
  p99: number;
  non2xx: number;
}

async function sample(url: string, route: string, o: Options): Promise<Sample> {
  const r = await autocannon({ url: url + route, connections: o.connections, duration: o.duration });
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Measures every route `rounds` times, interleaved (bare, home, day, …, bare, home, …), so that load from
 * elsewhere on the machine falls on all routes alike; reports the median of each.
 */
async function measureAll(url: string, routes: [string, string][], o: Options): Promise<Measured[]> {
  // A short warm-up per route fills caches (the page cache, SQLite's pages, V8's JIT) before measuring.
  for (const [, route] of routes) await autocannon({ url: url + route, connections: o.connections, duration: 1 });
  const samples = new Map<string, Sample[]>(routes.map(([, route]) => [route, []]));
  for (let round = 0; round < o.rounds; round++) {
    for (const [, route] of routes) samples.get(route)!.push(await sample(url, route, o));
  }
  return routes.map(([name, route]) => {
    const s = samples.get(route)!;
    return { name, path: route, rps: median(s.map((x) => x.rps)), p99: median(s.map((x) => x.p99)), non2xx: s.reduce((n, x) => n + x.non2xx, 0) };
  });
}

async function pickRoutes(url: string, skip: string[]): Promise<[string, string][]> {
  const list = await (await fetch(`${url}/api/daily_papers?limit=1`)).json();
  const paperId = list[0]?.paper?.id;
  const day = list[0]?.paper?.submittedOnDailyAt?.slice(0, 10);
  if (!paperId || !day) throw new Error('the store has no daily papers');
  const all: [string, string, string][] = [
    ['bare', 'bare route (constant string)', '/healthz'],
    ['home', 'home page', '/'],
    ['day', 'day page', `/papers/date/${day}`],
    ['paper', 'paper page', `/papers/${paperId}`],
    ['api', 'API list', `/api/daily_papers?date=${day}`],
    ['feed', 'feed (RSS, daily)', '/feeds/daily/rss.xml'],
  ];
  // The bare route is the baseline every ratio divides by, so it is never skipped.
  const routes = all.filter(([key]) => key === 'bare' || !skip.includes(key)).map(([, name, route]) => [name, route] as [string, string]);
  // One request each before measuring: the first paper page starts the search index build (similar papers),
  // which runs once per process and is not what this benchmark measures.
  for (const [, route] of routes) await fetch(url + route, { signal: AbortSignal.timeout(600_000) });
  return routes;
}

function report(title: string, rows: Measured[]): void {
  const bare = rows[0].rps;
  console.log(`\n${title}`);
  console.log('| route | path | requests/s | p99 ms | vs bare | non-2xx |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.name} | \`${r.path}\` | ${Math.round(r.rps)} | ${r.p99} | ${((r.rps / bare) * 100).toFixed(0)}% | ${r.non2xx} |`);
  }
}

export async function run(args: string[]): Promise<void> {
  const o = parseArgs(args);
  await prepareRealStore();
  console.log(
    `autocannon: ${o.connections} connections, ${o.rounds} interleaved rounds of ${o.duration} s per route (medians), ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  const modes: [string, number][] = [['page cache on (PAGE_CACHE_SECONDS=5)', 5]];
  if (!o.cachedOnly) modes.push(['page cache off (PAGE_CACHE_SECONDS=0)', 0]);
  for (const [title, seconds] of modes) {
    const { url, child } = await startServer(seconds);
    try {
      report(title, await measureAll(url, await pickRoutes(url, o.skip), o));
    } finally {
      await stopServer(child);
    }
  }
  console.log(`\nreproduce: npm run bench -- http ${args.join(' ')}`.trimEnd());
}
