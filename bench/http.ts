// `npm run bench -- http [--db=sqlite|postgres|both] [--client=autocannon|wrk]`: requests/s and p99 latency at 50
// connections (autocannon, or wrk with --client=wrk) for
// the home page, a day page of 30+ papers, its week and month, trending, a paper page, the API list and a feed, next
// to a bare route returning a constant string (/healthz) measured in the same run against the same server. The
// store holds the real data in ../shared/data (74,728 arXiv papers and the Hugging Face daily entries), imported once
// (SQLite under the system temp dir; PostgreSQL in the schema bench_http of PAPERFEED_TEST_PG_URL's database).
// The server runs in its own process (`paperfeed serve`) so the load generator does not share its event loop.
// Tables: the page cache on (anonymous); the page cache off, anonymous and signed in (a session cookie: per-person
// upvote and save state on every card), with each route's latency one request at a time, and the latency of 60
// signed-in readers' first view of each page (the server keeps each reader's filled page, so the signed-in runs
// measure repeat views). Routes are measured in interleaved rounds and medians reported, because the machine may be
// shared. Each run also records CPU time per request, of the server (from /proc) and of the load generator: on two
// cores the load generator and the server share the machine, and a route with a large body (the API list's 190 KB)
// can keep autocannon busy on a whole core while the server idles, so its requests/s then measure the client; the
// server's CPU per request is the route's cost whichever side sets the pace. wrk, written in C, reads the same
// answers for a fraction of autocannon's CPU and leaves more of the two cores to the server.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon';
import { connect, type Database } from '../src/db/connect.ts';
import { createSession } from '../src/db/sessions.ts';
import { createUser, findUserByUsername } from '../src/db/users.ts';
import { setSaved } from '../src/db/library.ts';
import { setVote } from '../src/db/votes.ts';
import { periodContaining } from '../src/domain/periods.ts';
import { cpuSeconds, prepareRealPgStore, prepareRealStore, REAL_STORE_DIR, startServe, stopServe, waitForSearch, type Served } from './served-store.ts';

type Kind = 'sqlite' | 'postgres';

const execFileAsync = promisify(execFile);

interface Options {
  /** Seconds per measurement. */
  duration: number;
  /** Every route is measured this many times, interleaved with the others; medians are reported. */
  rounds: number;
  connections: number;
  cachedOnly: boolean;
  /** Route keys to leave out (home, day, week, month, trending, paper, api, feed). */
  skip: string[];
  db: Kind | 'both';
  /** Requests per route for the one-at-a-time latency. */
  sequential: number;
  /** The load generator: autocannon (npm) or wrk (Debian's package). */
  client: 'autocannon' | 'wrk';
}

function parseArgs(args: string[]): Options {
  const o: Options = { duration: 4, rounds: 3, connections: 50, cachedOnly: false, skip: [], db: 'sqlite', sequential: 200, client: 'autocannon' };
  for (const a of args) {
    const [k, v] = a.replace(/^--/, '').split('=');
    if (k === 'duration') o.duration = Number(v);
    else if (k === 'rounds') o.rounds = Number(v);
    else if (k === 'connections') o.connections = Number(v);
    else if (k === 'sequential') o.sequential = Number(v);
    else if (k === 'cached-only') o.cachedOnly = true;
    else if (k === 'skip') o.skip = (v ?? '').split(',');
    else if (k === 'db' && (v === 'sqlite' || v === 'postgres' || v === 'both')) o.db = v;
    else if (k === 'client' && (v === 'autocannon' || v === 'wrk')) o.client = v;
    else
      throw new Error(
        `unknown option ${a} (use --db=sqlite|postgres|both --duration=SECONDS --rounds=N --connections=N --sequential=N --cached-only --skip=paper,feed --client=autocannon|wrk)`,
      );
  }
  return o;
}

/** A store to serve: the environment that points `paperfeed serve` at it, and a connection of our own. */
interface Store {
  kind: Kind;
  dataDir: string;
  env: Record<string, string>;
  open(): Database;
}

async function prepareStore(kind: Kind): Promise<Store> {
  if (kind === 'sqlite') {
    await prepareRealStore();
    return { kind, dataDir: REAL_STORE_DIR, env: {}, open: () => connect({ sqlitePath: path.join(REAL_STORE_DIR, 'paperfeed.sqlite') }) };
  }
  const pgUrl = process.env.PAPERFEED_TEST_PG_URL;
  if (!pgUrl) throw new Error('--db=postgres needs PAPERFEED_TEST_PG_URL (a PostgreSQL server to import the real data into)');
  const env = await prepareRealPgStore(pgUrl);
  return { kind, dataDir: `${REAL_STORE_DIR}-pg`, env, open: () => connect({ databaseUrl: env.DATABASE_URL }) };
}

/**
 * A server on the store, measured only once its search index is complete: on a first run it builds the index (and
 * saves the snapshot later starts load), which would take a core from the pages and leave paper pages without
 * similar papers.
 */
async function startServer(store: Store, cacheSeconds: number): Promise<Served> {
  // One client address sends everything here; the per-address API quota would otherwise answer 429.
  const served = await startServe(store.dataDir, { ...store.env, PAGE_CACHE_SECONDS: String(cacheSeconds), API_RATE_LIMIT_PER_MINUTE: '100000000' });
  const waited = await waitForSearch(served.url);
  if (waited > 10_000) console.log(`search index built in ${(waited / 1000).toFixed(0)} s (kept for later runs)`);
  return served;
}

interface Route {
  key: string;
  name: string;
  path: string;
  headers?: Record<string, string>;
}

interface Sample {
  rps: number;
  p99: number;
  non2xx: number;
  /** The server's CPU time per request, µs: what the route costs it, whoever is the bottleneck. */
  serverUs: number;
  /** The load generator's CPU time per request, µs: near a whole core, it sets the pace. */
  clientUs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** What one load generator run measured: its own CPU time in µs, and the server's comes from /proc. */
interface LoadRun {
  requests: number;
  rps: number;
  p99: number;
  failed: number;
  clientUs: number;
}

async function sample(server: Served, r: Route, o: Options, duration = o.duration): Promise<Sample> {
  const serverBefore = cpuSeconds(server.child.pid!);
  const run =
    o.client === 'wrk'
      ? await wrk(server.url + r.path, o.connections, duration, r.headers ?? {})
      : await cannon(server.url + r.path, o.connections, duration, r.headers ?? {});
  const perRequest = (us: number) => us / Math.max(1, run.requests);
  return {
    rps: run.rps,
    p99: run.p99,
    non2xx: run.failed,
    serverUs: perRequest((cpuSeconds(server.child.pid!) - serverBefore) * 1e6),
    clientUs: perRequest(run.clientUs),
  };
}

/** autocannon in this process (installed by npm ci): its HTTP parser is JavaScript, so large bodies cost it most. */
async function cannon(url: string, connections: number, duration: number, headers: Record<string, string>): Promise<LoadRun> {
  const before = process.cpuUsage();
  const res = await autocannon({ url, connections, duration, headers });
  const cpu = process.cpuUsage(before);
  return { requests: res.requests.total, rps: res.requests.average, p99: res.latency.p99, failed: res.non2xx + res.errors, clientUs: cpu.user + cpu.system };
}

/**
 * wrk (Debian's `wrk` package, written in C) as a child process, with `times` after it for its CPU time. It reads a
 * response for a fraction of autocannon's CPU, so on two shared cores more of them go to the server. One thread
 * drives the 50 connections (about 25 µs of CPU per 45 KB page, so it keeps up with 40,000 requests/s): with a
 * thread per core, wrk's threads and the server's one event loop contend for the two cores and the server's p99
 * doubled (26–72 ms against 16–33 ms for the uncached week page, the same requests/s).
 */
async function wrk(url: string, connections: number, duration: number, headers: Record<string, string>): Promise<LoadRun> {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const headerArgs = Object.entries(headers).map(([k, v]) => `-H ${quote(`${k}: ${v}`)}`);
  const command = `wrk -t 1 -c ${connections} -d ${duration}s --latency ${headerArgs.join(' ')} ${quote(url)}; times`;
  const { stdout } = await execFileAsync('bash', ['-c', command], { maxBuffer: 1 << 20 });
  const number = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? Number.NaN);
  const ms = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit];
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)$/m.exec(stdout);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  // `times` prints the shell's user and system time, then its children's (wrk's): "0m1.234s 0m0.567s".
  const children = stdout
    .trim()
    .split('\n')
    .at(-1)!
    .match(/(\d+)m([\d.]+)s/g)!;
  const seconds = (t: string) => Number(t.split('m')[0]) * 60 + Number(t.split('m')[1].slice(0, -1));
  const requests = number(/(\d+) requests in/);
  if (!Number.isFinite(requests) || !p99) throw new Error(`could not read wrk's output:\n${stdout}`);
  return {
    requests,
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p99: ms(p99[1], p99[2]),
    failed: (number(/Non-2xx or 3xx responses: (\d+)/) || 0) + (socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0),
    clientUs: (seconds(children[0]) + seconds(children[1])) * 1e6,
  };
}

/**
 * Measures every route `rounds` times, interleaved (bare, home, day, …, bare, home, …), so that load from
 * elsewhere on the machine falls on all routes alike; reports the median of each.
 */
async function measureAll(server: Served, routes: Route[], o: Options): Promise<Map<Route, Sample>> {
  // A short warm-up per route fills caches (the page cache, the memo, the database's pages, V8's JIT) first.
  for (const r of routes) await sample(server, r, o, 1);
  const samples = new Map<Route, Sample[]>(routes.map((r) => [r, []]));
  for (let round = 0; round < o.rounds; round++) for (const r of routes) samples.get(r)!.push(await sample(server, r, o));
  return new Map(
    routes.map((r) => {
      const s = samples.get(r)!;
      const of = (field: 'rps' | 'p99' | 'serverUs' | 'clientUs') => median(s.map((x) => x[field]));
      return [r, { rps: of('rps'), p99: of('p99'), non2xx: s.reduce((n, x) => n + x.non2xx, 0), serverUs: of('serverUs'), clientUs: of('clientUs') }];
    }),
  );
}

/**
 * Median latency in ms of requests to `url` sent one after another on a kept-alive connection, one per header set,
 * from sending the request to the last byte of the answer. Sent with node:http and `Accept-Encoding: br, gzip` as a
 * browser asks, so the server's compression is included; the body is read, not decompressed (the reader's work, not
 * the server's). fetch would add about half a millisecond of its own per request and decompress every body.
 */
async function medianInSequence(url: string, headerSets: Record<string, string>[]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (headers: Record<string, string>) =>
    new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent, headers: { 'accept-encoding': 'br, gzip', ...headers } }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
          res.on('data', () => {});
          res.on('end', resolve);
          res.on('error', reject);
        })
        .on('error', reject);
    });
  const times: number[] = [];
  try {
    for (const headers of headerSets) {
      const started = performance.now();
      await get(headers);
      times.push(performance.now() - started);
    }
  } finally {
    agent.destroy();
  }
  return median(times);
}

/** Median latency of `n` requests of one route, one at a time. */
function oneAtATime(url: string, r: Route, n: number): Promise<number> {
  return medianInSequence(
    url + r.path,
    Array.from({ length: n }, () => r.headers ?? {}),
  );
}

/**
 * Median latency of each reader's first view of a route, one at a time: the server keeps a signed-in reader's
 * filled page, so repeated requests by one reader (the runs above) measure that; a reader's first view of a page
 * measures the fill (their votes and saves, a paper page's live parts) on a template already kept.
 */
function firstViews(url: string, r: Route, readers: string[]): Promise<number> {
  return medianInSequence(
    url + r.path,
    readers.map((cookie) => ({ cookie })),
  );
}

/**
 * Readers for first views: accounts with a session each and a CSRF cookie of their own (a returning browser; a
 * browser without one gets a new token on every request, so its pages are never kept).
 */
async function firstViewReaders(store: Store, n: number): Promise<string[]> {
  const database = store.open();
  try {
    const cookies: string[] = [];
    for (let i = 0; i < n; i++) {
      const username = `bench-first-${i}`;
      const user = (await findUserByUsername(database, username)) ?? (await createUser(database, { username, email: `${username}@example.org` }));
      const { token } = await createSession(database, user.id, { ttlMs: 86_400_000 });
      cookies.push(`pf_session=${token}; pf_csrf=${crypto.randomBytes(32).toString('base64url')}`);
    }
    return cookies;
  } finally {
    await database.close();
  }
}

async function json(url: string): Promise<{ body: any; total: number }> {
  const res = await fetch(url);
  return { body: await res.json(), total: Number(res.headers.get('x-total-count')) };
}

/** The latest day with at least 30 submissions (the page size), so the day page and API list are full ones. */
async function fullDay(url: string, latest: string): Promise<string> {
  let day = latest;
  for (let i = 0; i < 120; i++) {
    if ((await json(`${url}/api/daily_papers?date=${day}&limit=1`)).total >= 30) return day;
    day = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  }
  throw new Error(`no day with 30 submissions in the 120 days up to ${latest}`);
}

async function pickRoutes(url: string, skip: string[]): Promise<{ routes: Route[]; day: string }> {
  const latest = (await json(`${url}/api/daily_papers?limit=1`)).body[0];
  if (!latest) throw new Error('the store has no daily papers');
  const day = await fullDay(url, latest.paper.submittedOnDailyAt.slice(0, 10));
  const all: Route[] = [
    { key: 'bare', name: 'bare route (constant string)', path: '/healthz' },
    { key: 'home', name: 'home page', path: '/' },
    { key: 'day', name: 'day page (30 papers)', path: `/papers/date/${day}` },
    { key: 'week', name: 'week page', path: `/papers/week/${periodContaining('week', day).key}` },
    { key: 'month', name: 'month page', path: `/papers/month/${day.slice(0, 7)}` },
    { key: 'trending', name: 'trending page', path: '/papers/trending' },
    { key: 'paper', name: 'paper page', path: `/papers/${latest.paper.id}` },
    { key: 'api', name: 'API list (30 papers)', path: `/api/daily_papers?date=${day}&limit=30` },
    { key: 'feed', name: 'feed (RSS, daily)', path: '/feeds/daily/rss.xml' },
  ];
  // The bare route is the baseline every ratio divides by, so it is never skipped.
  const routes = all.filter((r) => r.key === 'bare' || !skip.includes(r.key));
  // One request each before measuring: the first paper page starts the search index build (similar papers),
  // which runs once per process and is not what this benchmark measures.
  for (const r of routes) await fetch(url + r.path, { signal: AbortSignal.timeout(600_000) });
  return { routes, day };
}

/**
 * A reader for the signed-in run: an account with a session, who upvoted a third and saved half of the day page's
 * papers (so cards show every state). Returns the Cookie header a browser would send: the session and the CSRF cookie the site set.
 */
async function signedInCookie(store: Store, url: string, day: string): Promise<string> {
  const database = store.open();
  try {
    const user =
      (await findUserByUsername(database, 'bench-reader')) ?? (await createUser(database, { username: 'bench-reader', email: 'bench-reader@example.org' }));
    const items = (await json(`${url}/api/daily_papers?date=${day}&limit=30`)).body as any[];
    for (const [i, item] of items.entries()) {
      if (i % 3 === 0) await setVote(database, user.id, item.paper.id, true);
      if (i % 2 === 0) await setSaved(database, user.id, item.paper.id, true);
    }
    const { token } = await createSession(database, user.id, { ttlMs: 86_400_000 });
    const session = `pf_session=${token}`;
    const res = await fetch(url + '/', { headers: { cookie: session } });
    const csrf = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('pf_csrf='));
    if (!(await res.text()).includes('bench-reader')) throw new Error('the session cookie did not sign the reader in');
    return csrf ? `${session}; ${csrf}` : session;
  } finally {
    await database.close();
  }
}

/** Readers whose first view of each page is timed. */
const FIRST_VIEW_READERS = 60;

const pct = (x: number, of: number) => `${((x / of) * 100).toFixed(0)}%`;

function reportCached(title: string, measured: Map<Route, Sample>): void {
  const rows = [...measured];
  const bare = rows[0][1].rps;
  console.log(`\n${title}`);
  console.log('| route | path | requests/s | p99 ms | vs bare | server µs per request | load generator µs per request | non-2xx |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [r, s] of rows)
    console.log(
      `| ${r.name} | \`${r.path}\` | ${Math.round(s.rps)} | ${s.p99} | ${pct(s.rps, bare)} | ${Math.round(s.serverUs)} | ${Math.round(s.clientUs)} | ${s.non2xx} |`,
    );
}

function reportUncached(
  title: string,
  anonymous: Route[],
  signedIn: Route[],
  measured: Map<Route, Sample>,
  sequential: Map<Route, number>,
  first: Map<Route, number>,
): void {
  const bare = measured.get(anonymous[0])!.rps;
  console.log(`\n${title}`);
  console.log(
    '| route | anonymous req/s | p99 ms | vs bare | signed in req/s | p99 ms | vs anonymous | server µs per request: anonymous / signed in | load generator µs per request: anonymous / signed in | one at a time: anonymous / signed in, ms | signed in, first view, ms | non-2xx |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  anonymous.forEach((r, i) => {
    const a = measured.get(r)!;
    const s = signedIn[i] ? measured.get(signedIn[i]) : undefined;
    const seqA = sequential.get(r)!.toFixed(2);
    const seqS = signedIn[i] ? sequential.get(signedIn[i])!.toFixed(2) : '–';
    const firstS = first.has(r) ? first.get(r)!.toFixed(2) : '–';
    console.log(
      `| ${r.name} \`${r.path}\` | ${Math.round(a.rps)} | ${a.p99} | ${pct(a.rps, bare)} | ${s ? Math.round(s.rps) : '–'} | ${s ? s.p99 : '–'} | ${s ? pct(s.rps, a.rps) : '–'} | ${Math.round(a.serverUs)} / ${s ? Math.round(s.serverUs) : '–'} | ${Math.round(a.clientUs)} / ${s ? Math.round(s.clientUs) : '–'} | ${seqA} / ${seqS} | ${firstS} | ${a.non2xx + (s?.non2xx ?? 0)} |`,
    );
  });
}

async function runOn(kind: Kind, o: Options): Promise<void> {
  const store = await prepareStore(kind);
  console.log(`\n## ${kind}`);
  const cached = await startServer(store, 5);
  try {
    reportCached(`${kind}: page cache on (PAGE_CACHE_SECONDS=5), anonymous`, await measureAll(cached, (await pickRoutes(cached.url, o.skip)).routes, o));
  } finally {
    await stopServe(cached.child);
  }
  if (o.cachedOnly) return;
  const uncached = await startServer(store, 0);
  const { url, child } = uncached;
  try {
    const { routes: anonymous, day } = await pickRoutes(url, o.skip);
    const cookie = await signedInCookie(store, url, day);
    // The same pages for a signed-in reader; the bare route is not repeated.
    const signedIn = [undefined, ...anonymous.slice(1).map((r) => ({ ...r, name: `${r.name} (signed in)`, headers: { cookie } }))] as Route[];
    const all = [...anonymous, ...signedIn.slice(1)];
    const measured = await measureAll(uncached, all, o);
    const sequential = new Map<Route, number>();
    for (const r of all) sequential.set(r, await oneAtATime(url, r, o.sequential));
    const readers = await firstViewReaders(store, FIRST_VIEW_READERS);
    const first = new Map<Route, number>();
    for (const r of anonymous.slice(1)) first.set(r, await firstViews(url, r, readers));
    reportUncached(
      `${kind}: page cache off (PAGE_CACHE_SECONDS=0): anonymous, and signed in (session cookie, own upvote and save state on every card)`,
      anonymous,
      signedIn,
      measured,
      sequential,
      first,
    );
  } finally {
    await stopServe(child);
  }
}

export async function run(args: string[]): Promise<void> {
  const o = parseArgs(args);
  console.log(
    `${o.client}: ${o.connections} connections, ${o.rounds} interleaved rounds of ${o.duration} s per route (medians); one at a time: median of ${o.sequential}; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  for (const kind of o.db === 'both' ? (['sqlite', 'postgres'] as const) : [o.db]) await runOn(kind, o);
  console.log(`\nload average at the end ${os.loadavg()[0].toFixed(1)}`);
  console.log(`reproduce: npm run bench -- http ${args.join(' ')}`.trimEnd());
}
