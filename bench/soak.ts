// `npm run bench -- soak [--minutes=10] [--connections=8]`: mixed traffic against a real `paperfeed serve` on a copy
// of the real store (../shared/data, 74k papers) for a while, to show the server stays healthy: no 5xx, memory that
// does not grow, latency that does not creep up. The mix: pages (home, days, weeks, months, trending, papers, feeds),
// the API, search (short queries, a pasted abstract by POST, similar papers), signed-in traffic (votes and comments by
// access token, personal pages), digest previews, and the hostile inputs of the security review (junk cookies and
// Authorization headers, NUL in redirects, malformed multipart, a 20 KB URL, oversized headers, repeated parameters,
// wrong passwords). Each simulated visitor has its own address (X-Forwarded-For behind TRUST_PROXY=1), so per-address
// limits apply as they would in production; 429s are reported, not counted as errors.
//
// The index is built (and the search answering) before the clock starts. Prints requests, 5xx and p99 per interval,
// the server's RSS over time, statuses and each action's p99, and last the line
//   requests=N 5xx=N p99_first_ms=N p99_last_ms=N rss_growth_mb=N
// where the p99s are those of the first and last interval and the RSS growth is last sample minus first (after
// warm-up). Targets: 5xx=0, rss_growth_mb ≤ 50, p99 not rising.
import os from 'node:os';
import path from 'node:path';
import { connect } from '../src/db/connect.ts';
import { createApiToken } from '../src/db/sessions.ts';
import { createUser } from '../src/db/users.ts';
import { BENCH_DIR, copyRealStore, rssMiB, startServe, stopServe } from './served-store.ts';

const SOAK_DIR = path.join(BENCH_DIR, 'paperfeed-bench-soak');

interface Options {
  minutes: number;
  connections: number;
}

function parseArgs(args: string[]): Options {
  const o: Options = { minutes: 10, connections: 8 };
  for (const a of args) {
    const [k, v] = a.replace(/^--/, '').split('=');
    if (k === 'minutes' && Number(v) > 0) o.minutes = Number(v);
    else if (k === 'connections' && Number(v) > 0) o.connections = Number(v);
    else throw new Error(`unknown option ${a} (use --minutes=N --connections=N)`);
  }
  return o;
}

interface World {
  papers: string[];
  days: string[];
  weeks: string[];
  months: string[];
  words: string[];
  abstract: string;
  tokens: string[];
}

/** Accounts with access tokens for the signed-in traffic, and what the store holds to ask about. */
async function prepareWorld(): Promise<World> {
  const database = connect({ sqlitePath: path.join(SOAK_DIR, 'paperfeed.sqlite') });
  try {
    const entries = await database.db.selectFrom('daily_entries').select(['paper_id', 'day']).orderBy('day', 'desc').limit(3000).execute();
    const papers = [...new Set(entries.map((e) => e.paper_id))];
    const days = [...new Set(entries.map((e) => e.day))];
    const titles = await database.db.selectFrom('papers').select(['title', 'abstract']).where('id', 'in', papers.slice(0, 300)).execute();
    const words = [...new Set(titles.flatMap((t) => t.title.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length > 4))];
    const tokens: string[] = [];
    for (let i = 0; i < 100; i++) {
      const user = await createUser(database, { email: `soak${i}@example.org`, username: `soak${i}` });
      tokens.push((await createApiToken(database, user.id, 'soak')).token);
    }
    const weeks = [...new Set(days.map(isoWeek))];
    const months = [...new Set(days.map((d) => d.slice(0, 7)))];
    return {
      papers,
      days,
      weeks,
      months,
      words,
      abstract: titles
        .map((t) => t.abstract)
        .join(' ')
        .slice(0, 12_000),
      tokens,
    };
  } finally {
    await database.close();
  }
}

function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * 86_400_000);
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / 86_400_000 / 7 - (3 - ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

interface Request {
  path: string;
  init?: RequestInit & { headers?: Record<string, string> };
}

type Action = [name: string, weight: number, make: (w: World) => Request];

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json' };

const ACTIONS: Action[] = [
  ['home', 8, () => ({ path: '/' })],
  ['day page', 8, (w) => ({ path: `/papers/date/${pick(w.days)}` })],
  ['week page', 3, (w) => ({ path: `/papers/week/${pick(w.weeks)}` })],
  ['month page', 2, (w) => ({ path: `/papers/month/${pick(w.months)}` })],
  ['trending', 5, () => ({ path: '/papers/trending' })],
  ['paper page', 15, (w) => ({ path: `/papers/${pick(w.papers)}` })],
  ['paper page, signed in', 4, (w) => ({ path: `/papers/${pick(w.papers)}`, init: { headers: { authorization: `Bearer ${pick(w.tokens)}` } } })],
  ['feed', 4, (w) => ({ path: pick(['/feeds/daily/rss.xml', '/papers/trending/atom.xml', `/papers/date/${pick(w.days)}/feed.json`]) })],
  ['API list', 6, (w) => ({ path: `/api/daily_papers?date=${pick(w.days)}` })],
  ['API paper', 6, (w) => ({ path: `/api/papers/${pick(w.papers)}` })],
  ['search', 8, (w) => ({ path: `/search?q=${encodeURIComponent(`${pick(w.words)} ${pick(w.words)}`)}` })],
  ['search API', 4, (w) => ({ path: `/api/papers/search?q=${encodeURIComponent(pick(w.words))}&limit=10` })],
  [
    'search POST, pasted abstract',
    1,
    (w) => ({
      path: '/api/papers/search',
      init: {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ q: w.abstract.slice(Math.floor(Math.random() * 4000), 8000 + Math.floor(Math.random() * 4000)), limit: 10 }),
      },
    }),
  ],
  ['similar', 2, (w) => ({ path: `/api/papers/${pick(w.papers)}/similar?limit=5` })],
  [
    'vote',
    6,
    (w) => ({
      path: `/api/papers/${pick(w.papers.slice(0, 200))}/upvote`,
      init: { method: 'POST', headers: { ...json, authorization: `Bearer ${pick(w.tokens)}` }, body: JSON.stringify({ upvoted: Math.random() < 0.7 }) },
    }),
  ],
  [
    'comment',
    2,
    (w) => ({
      path: `/api/papers/${pick(w.papers.slice(0, 200))}/comment`,
      init: {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${pick(w.tokens)}` },
        body: JSON.stringify({ comment: `Soak comment ${Math.random()} with **markdown** and <script>alert(1)</script>` }),
      },
    }),
  ],
  ['thread', 2, (w) => ({ path: `/api/papers/${pick(w.papers.slice(0, 200))}/comments` })],
  [
    'digest preview',
    2,
    (w) => ({
      path: `/digest/preview?frequency=${pick(['daily', 'weekly'])}&paperCount=${3 + Math.floor(Math.random() * 48)}&interests=${encodeURIComponent(pick(w.words))}`,
    }),
  ],
  // The security review's hostile inputs.
  [
    'junk cookie',
    3,
    (w) => ({
      path: pick(['/sitemap.xml', `/papers/${pick(w.papers)}`, '/']),
      init: { headers: { cookie: pick(['pf_session=x', `pf_session=${'A'.repeat(43)}`]) } },
    }),
  ],
  ['junk Authorization', 2, (w) => ({ path: `/api/papers/${pick(w.papers)}`, init: { headers: { authorization: 'Basic Zm9vOmJhcg==' } } })],
  ['NUL in next', 1, (w) => ({ path: '/signin?next=%2F%00', init: { headers: { authorization: `Bearer ${pick(w.tokens)}` } } })],
  [
    'malformed multipart',
    1,
    () => ({
      path: '/signin/email',
      init: {
        method: 'POST',
        headers: { 'content-type': pick(['multipart/form-data; boundary=x', 'multipart/form-data']), cookie: `pf_csrf=${'c'.repeat(43)}` },
        body: '--x\r\nbroken',
      },
    }),
  ],
  ['20 KB URL', 0.5, () => ({ path: `/search?q=${'a'.repeat(20_000)}` })],
  ['oversized headers', 0.5, () => ({ path: '/', init: { headers: { 'x-filler': 'b'.repeat(20_000) } } })],
  ['repeated parameters', 1, () => ({ path: '/api/papers/search?q=a&q=b' })],
  [
    'wrong password',
    0.5,
    () => ({ path: '/signin/password', init: { method: 'POST', headers: form, body: 'email=soak1%40example.org&password=wrong+password' } }),
  ],
  [
    'preview cycling',
    1,
    () => ({
      path: `/digest/preview?frequency=weekly&paperCount=50&date=2025-0${1 + Math.floor(Math.random() * 6)}-${String(1 + Math.floor(Math.random() * 28)).padStart(2, '0')}`,
    }),
  ],
];

const HOSTILE_FROM = new Set([
  'junk cookie',
  'junk Authorization',
  'NUL in next',
  'malformed multipart',
  '20 KB URL',
  'oversized headers',
  'repeated parameters',
  'wrong password',
  'preview cycling',
]);
const totalWeight = ACTIONS.reduce((n, a) => n + a[1], 0);

function chooseAction(): Action {
  let r = Math.random() * totalWeight;
  for (const a of ACTIONS) if ((r -= a[1]) <= 0) return a;
  return ACTIONS[0];
}

// Visitors come from many addresses; the hostile ones from a few, as an attacker's would.
const visitorAddress = () => `198.51.100.${1 + Math.floor(Math.random() * 200)}`;
const attackerAddress = () => `203.0.113.${1 + Math.floor(Math.random() * 4)}`;

interface Interval {
  latencies: number[];
  statuses: Map<string, number>;
  rss: number[];
}

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function waitForSearch(url: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${url}/api/papers/search?q=transformer&limit=1`, { signal: AbortSignal.timeout(600_000) });
      if (res.ok && ((await res.json()) as unknown[]).length > 0) return Date.now() - started;
    } catch {
      // the index is still being built
    }
    if (Date.now() - started > 900_000) throw new Error('the search index was not ready after 15 minutes');
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export async function run(args: string[]): Promise<void> {
  const o = parseArgs(args);
  await copyRealStore(SOAK_DIR);
  const world = await prepareWorld();
  // Votes and comments are limited per person; the soak's 100 people post more than a person would.
  const { url, child } = await startServe(SOAK_DIR, { TRUST_PROXY: '1', VOTE_RATE_LIMIT_PER_MINUTE: '600', COMMENT_RATE_LIMIT_PER_HOUR: '6000' });
  try {
    console.log(
      `soak: ${o.minutes} min, ${o.connections} connections, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; waiting for the search index …`,
    );
    console.log(`soak: search answered after ${((await waitForSearch(url)) / 1000).toFixed(0)} s; clock starts`);
    const durationMs = o.minutes * 60_000;
    const intervalMs = Math.max(10_000, durationMs / 10);
    const intervals: Interval[] = [];
    const actions = new Map<string, { latencies: number[]; statuses: Map<string, number> }>();
    const started = Date.now();
    const intervalAt = (t: number) => {
      const i = Math.min(Math.floor((t - started) / intervalMs), Math.ceil(durationMs / intervalMs) - 1);
      return (intervals[i] ??= { latencies: [], statuses: new Map(), rss: [] });
    };
    const sampler = setInterval(() => intervalAt(Date.now()).rss.push(rssMiB(child.pid!)), 5_000);
    intervalAt(started).rss.push(rssMiB(child.pid!));
    const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

    const worker = async () => {
      while (Date.now() - started < durationMs) {
        const [name, , make] = chooseAction();
        const req = make(world);
        const headers = { 'x-forwarded-for': HOSTILE_FROM.has(name) ? attackerAddress() : visitorAddress(), ...req.init?.headers };
        const t0 = performance.now();
        let status: string;
        try {
          const res = await fetch(url + req.path, { ...req.init, headers, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
          await res.arrayBuffer();
          status = String(res.status);
        } catch (e) {
          status = `network error (${(e as Error).cause ? String((e as { cause: { code?: string } }).cause.code ?? 'socket') : (e as Error).name})`;
        }
        const ms = performance.now() - t0;
        const interval = intervalAt(Date.now());
        interval.latencies.push(ms);
        count(interval.statuses, status);
        const a = actions.get(name) ?? { latencies: [] as number[], statuses: new Map<string, number>() };
        actions.set(name, a);
        a.latencies.push(ms);
        count(a.statuses, status);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await Promise.all(Array.from({ length: o.connections }, worker));
    clearInterval(sampler);
    intervalAt(started + durationMs - 1).rss.push(rssMiB(child.pid!));

    console.log('\n| interval | requests | 5xx | 429 | p50 ms | p99 ms | RSS MiB (end) |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    intervals.forEach((iv, i) => {
      const fivexx = [...iv.statuses].filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0);
      const from = ((i * intervalMs) / 1000).toFixed(0);
      console.log(
        `| ${from}–${(((i + 1) * intervalMs) / 1000).toFixed(0)} s | ${iv.latencies.length} | ${fivexx} | ${iv.statuses.get('429') ?? 0} | ${percentile(iv.latencies, 50).toFixed(0)} | ${percentile(iv.latencies, 99).toFixed(0)} | ${(iv.rss.at(-1) ?? NaN).toFixed(0)} |`,
      );
    });
    const statuses = new Map<string, number>();
    for (const iv of intervals) for (const [s, c] of iv.statuses) statuses.set(s, (statuses.get(s) ?? 0) + c);
    console.log(
      `\nstatuses: ${[...statuses]
        .sort()
        .map(([s, c]) => `${s}×${c}`)
        .join(' ')}`,
    );
    console.log('\n| action | requests | p50 ms | p99 ms | statuses |');
    console.log('| --- | ---: | ---: | ---: | --- |');
    for (const [name] of ACTIONS) {
      const a = actions.get(name);
      if (!a) continue;
      console.log(
        `| ${name} | ${a.latencies.length} | ${percentile(a.latencies, 50).toFixed(0)} | ${percentile(a.latencies, 99).toFixed(0)} | ${[...a.statuses]
          .sort()
          .map(([s, c]) => `${s}×${c}`)
          .join(' ')} |`,
      );
    }
    const requests = intervals.reduce((n, iv) => n + iv.latencies.length, 0);
    const fivexx = [...statuses].filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0);
    const rss = intervals.flatMap((iv) => iv.rss);
    console.log(`\nreproduce: npm run bench -- soak ${args.join(' ')}`.trimEnd());
    console.log(
      `requests=${requests} 5xx=${fivexx} p99_first_ms=${Math.round(percentile(intervals[0].latencies, 99))} p99_last_ms=${Math.round(percentile(intervals.at(-1)!.latencies, 99))} rss_growth_mb=${Math.round(rss.at(-1)! - rss[0])}`,
    );
  } finally {
    await stopServe(child);
  }
}
