// `npm run bench -- soak [--minutes=10] [--warmup=1] [--connections=8] [--only=ACTION,…]`: mixed traffic against a real `paperfeed serve` on a copy
// of the real store (../shared/data, 80k papers) for a while, to show the server stays healthy: no 5xx, memory that
// does not grow, latency that does not creep up. The mix: pages (home, days, weeks, months, trending, papers, feeds),
// the API, search (short queries, a pasted abstract by POST, similar papers), signed-in traffic (votes, comments,
// submissions and index requests by access token, personal pages), digest previews and sign-ups, and the hostile
// inputs of the security review (issue 16): junk cookies and Authorization headers, NUL in redirects (GET and after a
// right password), malformed multipart, a 1 MiB form, forged posts without a CSRF token, a 20 KB URL, oversized
// headers, repeated and prototype-named parameters, wrong passwords behind spoofed X-Forwarded-For entries, a second
// sign-up for someone else's address, unknown arXiv ids, markup and path tricks in ids and queries, open redirects.
// Each simulated visitor has its own address (X-Forwarded-For behind TRUST_PROXY=1), the hostile ones a few, so
// per-address limits apply as they would in production; 429s are reported, not counted as errors.
//
// The search index is built completely (hybrid answers carry a semantic score) before the clock starts, so no build
// runs during the soak; then the same mix runs for a warm-up (one minute unless --warmup says otherwise), unrecorded
// but for its RSS: a cold process fills its bounded caches, loads the search snapshot's sections it reads lazily,
// builds the "For you" features and compiles its hot code in that time, about 200 MiB on the real store, which is not
// growth over time. The RSS before the warm-up is printed with the rest. Prints per interval requests, 5xx, p50 and p99, the server's CPU time per request (it grows
// when the server does more work per request; a busier machine lengthens latencies, not this) and its RSS (from the
// server process's /proc status every 5 s: all of it and its anonymous part); then statuses and each action's p99;
// and last the line
//   requests=N 5xx=N p99_first_ms=N p99_last_ms=N rss_growth_mb=N
// where 5xx counts 5xx answers and requests that got no answer at all (reset, timeout: the server failed them just
// the same), the p99s are those of the first and last interval (a tenth of the run each), and the RSS growth is the
// median RSS of the last interval minus the RSS when the clock started (a median, so one scrypt hash in flight at the
// last sample, 128 MiB for a quarter second, does not read as growth; the peak is printed too). Targets: 5xx=0,
// rss_growth_mb ≤ 50, p99 not rising.
import os from 'node:os';
import path from 'node:path';
import { connect } from '../src/db/connect.ts';
import { createApiToken } from '../src/db/sessions.ts';
import { createUser } from '../src/db/users.ts';
import { hashPassword } from '../src/domain/credentials.ts';
import { BENCH_DIR, copyRealStore, cpuSeconds, residentMiB, startServe, stopServe, waitForSearch } from './served-store.ts';

const SOAK_DIR = path.join(BENCH_DIR, 'paperfeed-bench-soak');
/** soak0's password: sign-ins with the right password and a hostile `next`. */
const PASSWORD = 'soak password zero';

interface Options {
  minutes: number;
  /** Minutes of the same mix before the clock starts. */
  warmup: number;
  connections: number;
  /** Only the actions whose names contain one of these (to find what a problem comes from); all when empty. */
  only: string[];
}

function parseArgs(args: string[]): Options {
  const o: Options = { minutes: 10, warmup: 1, connections: 8, only: [] };
  for (const a of args) {
    const [k, v] = a.replace(/^--/, '').split('=');
    if (k === 'minutes' && Number(v) > 0) o.minutes = Number(v);
    else if (k === 'warmup' && Number(v) >= 0) o.warmup = Number(v);
    else if (k === 'connections' && Number(v) > 0) o.connections = Number(v);
    else if (k === 'only' && v) o.only = v.split(',');
    else throw new Error(`unknown option ${a} (use --minutes=N --warmup=N --connections=N --only=ACTION,…)`);
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
  /** An anonymous browser's pf_csrf cookie and the form token that goes with it. */
  csrf: { cookie: string; token: string };
}

/** Accounts with access tokens for the signed-in traffic, and what the store holds to ask about. */
async function prepareWorld(): Promise<Omit<World, 'csrf'>> {
  const database = connect({ sqlitePath: path.join(SOAK_DIR, 'paperfeed.sqlite') });
  try {
    const entries = await database.db.selectFrom('daily_entries').select(['paper_id', 'day']).orderBy('day', 'desc').limit(3000).execute();
    const papers = [...new Set(entries.map((e) => e.paper_id))];
    const days = [...new Set(entries.map((e) => e.day))];
    const titles = await database.db.selectFrom('papers').select(['title', 'abstract']).where('id', 'in', papers.slice(0, 300)).execute();
    const words = [...new Set(titles.flatMap((t) => t.title.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length > 4))];
    const tokens: string[] = [];
    for (let i = 0; i < 100; i++) {
      const passwordHash = i === 0 ? await hashPassword(PASSWORD) : undefined;
      const user = await createUser(database, { email: `soak${i}@example.org`, username: `soak${i}`, passwordHash });
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

/** What a first visit to a form page gives an anonymous browser: its pf_csrf cookie and the token for its forms. */
async function anonymousCsrf(url: string): Promise<World['csrf']> {
  const res = await fetch(`${url}/subscribe`);
  const cookie = /pf_csrf=([A-Za-z0-9_-]{43})/.exec(res.headers.getSetCookie().join('; '))?.[1];
  const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
  if (!cookie || !token) throw new Error('GET /subscribe gave no pf_csrf cookie or form token');
  return { cookie: `pf_csrf=${cookie}`, token };
}

function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * 86_400_000);
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / 86_400_000 / 7 - (3 - ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];
const below = (n: number) => Math.floor(Math.random() * n);

interface Request {
  path: string;
  init?: RequestInit & { headers?: Record<string, string> };
}

type Action = [name: string, weight: number, make: (w: World) => Request];

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json' };
const bearer = (w: World) => ({ authorization: `Bearer ${pick(w.tokens)}` });
/** A form post as the anonymous browser of `w.csrf` sends it (cookie and token), so it gets past the CSRF check. */
const formPost = (w: World, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Request => ({
  path,
  init: { method: 'POST', headers: { ...form, cookie: w.csrf.cookie, ...headers }, body: new URLSearchParams({ _csrf: w.csrf.token, ...fields }).toString() },
});
/** A valid new-style arXiv id this store does not hold, so asking for it queues a fetch from arXiv. */
const unknownArxivId = () => `2611.${String(10_000 + below(90_000))}`;
const MIB_FORM = `email=${'a'.repeat(1 << 20)}`;

const ACTIONS: Action[] = [
  ['home', 8, () => ({ path: '/' })],
  ['day page', 8, (w) => ({ path: `/papers/date/${pick(w.days)}` })],
  ['week page', 3, (w) => ({ path: `/papers/week/${pick(w.weeks)}` })],
  ['month page', 2, (w) => ({ path: `/papers/month/${pick(w.months)}` })],
  ['trending', 5, () => ({ path: '/papers/trending' })],
  ['paper page', 15, (w) => ({ path: `/papers/${pick(w.papers)}` })],
  ['paper page, signed in', 4, (w) => ({ path: `/papers/${pick(w.papers)}`, init: { headers: bearer(w) } })],
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
      init: { method: 'POST', headers: json, body: JSON.stringify({ q: w.abstract.slice(below(4000), 8000 + below(4000)), limit: 10 }) },
    }),
  ],
  ['similar', 2, (w) => ({ path: `/api/papers/${pick(w.papers)}/similar?limit=5` })],
  [
    'vote',
    6,
    (w) => ({
      path: `/api/papers/${pick(w.papers.slice(0, 200))}/upvote`,
      init: { method: 'POST', headers: { ...json, ...bearer(w) }, body: JSON.stringify({ upvoted: Math.random() < 0.7 }) },
    }),
  ],
  [
    'comment',
    2,
    (w) => ({
      path: `/api/papers/${pick(w.papers.slice(0, 200))}/comment`,
      init: {
        method: 'POST',
        headers: { ...json, ...bearer(w) },
        body: JSON.stringify({ comment: `Soak comment ${Math.random()} with **markdown** and <script>alert(1)</script>` }),
      },
    }),
  ],
  ['thread', 2, (w) => ({ path: `/api/papers/${pick(w.papers.slice(0, 200))}/comments` })],
  [
    'digest preview',
    2,
    (w) => ({ path: `/digest/preview?frequency=${pick(['daily', 'weekly'])}&paperCount=${3 + below(48)}&interests=${encodeURIComponent(pick(w.words))}` }),
  ],
  [
    'digest sign-up',
    0.5,
    (w) => formPost(w, '/subscribe', { email: `reader${below(1e9)}@example.org`, frequency: pick(['daily', 'weekly']), interests: pick(w.words) }),
  ],
  // The security review's hostile inputs (issue 16), from a few addresses.
  [
    'junk cookie',
    3,
    (w) => ({
      path: pick(['/sitemap.xml', `/papers/${pick(w.papers)}`, '/']),
      init: { headers: { cookie: pick(['pf_session=x', `pf_session=${'A'.repeat(43)}`]) } },
    }),
  ],
  ['junk Authorization', 2, (w) => ({ path: `/api/papers/${pick(w.papers)}`, init: { headers: { authorization: 'Basic Zm9vOmJhcg==' } } })],
  ['NUL in next, signed in', 1, (w) => ({ path: '/signin?next=%2F%00', init: { headers: bearer(w) } })],
  ['NUL in next, right password', 0.3, (w) => formPost(w, '/signin/password', { email: 'soak0@example.org', password: PASSWORD, next: '/\0x' })],
  [
    'malformed multipart',
    1,
    (w) => ({
      path: '/signin/email',
      init: {
        method: 'POST',
        headers: { 'content-type': pick(['multipart/form-data; boundary=x', 'multipart/form-data']), cookie: w.csrf.cookie },
        body: '--x\r\nbroken',
      },
    }),
  ],
  ['1 MiB form', 0.3, (w) => ({ path: '/signin/email', init: { method: 'POST', headers: { ...form, cookie: w.csrf.cookie }, body: MIB_FORM } })],
  [
    'forged post, no CSRF token',
    1,
    (w) => ({
      path: pick(['/subscribe', '/signin/email', '/signout', `/papers/${pick(w.papers)}/upvote`]),
      init: { method: 'POST', headers: { ...form, ...(Math.random() < 0.5 ? { cookie: w.csrf.cookie } : {}) }, body: 'email=victim%40example.org' },
    }),
  ],
  ['20 KB URL', 0.5, () => ({ path: `/search?q=${'a'.repeat(20_000)}` })],
  ['oversized headers', 0.5, () => ({ path: '/', init: { headers: { 'x-filler': 'b'.repeat(20_000) } } })],
  ['repeated parameters', 1, () => ({ path: pick(['/api/papers/search?q=a&q=b', '/api/daily_papers?date=2025-01-02&date=2025-01-03']) })],
  [
    'prototype-named parameters',
    0.5,
    () => ({
      path: pick(['/api/daily_papers?constructor=1', '/api/daily_papers?__proto__=x', '/search?q=a&toString=1', '/api/papers/search?q=a&hasOwnProperty=1']),
    }),
  ],
  ['wrong password', 0.5, (w) => formPost(w, '/signin/password', { email: 'soak1@example.org', password: 'wrong password' })],
  [
    'wrong password, spoofed X-Forwarded-For',
    0.5,
    (w) =>
      formPost(
        w,
        '/signin/password',
        { email: 'soak0@example.org', password: `guess ${below(1e6)}` },
        // The client writes the left entries; the trusted proxy appended the right-most one.
        { 'x-forwarded-for': `10.${below(255)}.${below(255)}.${below(255)}, ${attackerAddress()}` },
      ),
  ],
  [
    "second sign-up for someone else's address",
    0.5,
    (w) => formPost(w, '/subscribe', { email: `victim${below(5)}@example.org`, frequency: 'daily', categories: 'cs.CR', interests: 'attacker topics' }),
  ],
  [
    'preview cycling',
    1,
    () => ({ path: `/digest/preview?frequency=weekly&paperCount=50&date=2025-0${1 + below(6)}-${String(1 + below(28)).padStart(2, '0')}` }),
  ],
  [
    'submission of an unknown id',
    0.5,
    (w) => ({ path: '/api/papers/submit', init: { method: 'POST', headers: { ...json, ...bearer(w) }, body: JSON.stringify({ paper: unknownArxivId() }) } }),
  ],
  [
    'index request for an unknown id',
    0.5,
    (w) => ({ path: '/api/papers/index', init: { method: 'POST', headers: { ...json, ...bearer(w) }, body: JSON.stringify({ arxivId: unknownArxivId() }) } }),
  ],
  [
    'markup and traversal in paths and queries',
    1,
    () => ({
      path: pick([
        '/papers/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
        '/papers/..%2F..%2Fetc%2Fpasswd',
        '/api/papers/9999.99999',
        '/papers/date/2025-13-45',
        '/papers/week/2025-W99',
        '/u/%00',
        `/search?q=${encodeURIComponent('"><script>alert(1)</script> transformer')}`,
      ]),
    }),
  ],
  [
    'open redirect',
    0.5,
    () => ({ path: `/signin?next=${encodeURIComponent(pick(['//evil.example/', 'https://evil.example/', '/\\evil.example', '/%0d%0aLocation:evil']))}` }),
  ],
];

/** The actions that come from an attacker's few addresses (everything from the security review onwards). */
const HOSTILE_FROM = new Set(ACTIONS.slice(ACTIONS.findIndex(([name]) => name === 'junk cookie')).map(([name]) => name));

/** Picks actions at random by weight. */
function actionChooser(actions: Action[]): () => Action {
  const totalWeight = actions.reduce((n, a) => n + a[1], 0);
  return () => {
    let r = Math.random() * totalWeight;
    for (const a of actions) if ((r -= a[1]) <= 0) return a;
    return actions[0];
  };
}

// Visitors come from many addresses; the hostile ones from a few, as an attacker's would.
const visitorAddress = () => `198.51.100.${1 + below(200)}`;
const attackerAddress = () => `203.0.113.${1 + below(4)}`;

interface Interval {
  latencies: number[];
  statuses: Map<string, number>;
  rss: number[];
  /** The anonymous part of each RSS sample (heaps; the rest is mapped files). */
  anon: number[];
  /** The server's CPU time used by the end of the interval (s). */
  cpu: number;
}

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const median = (xs: number[]) => percentile(xs, 50);
/** 5xx answers and requests with no answer at all: both are requests the server failed. */
const isFailure = (status: string) => status.startsWith('5') || status.startsWith('no answer');
const failures = (statuses: Map<string, number>) => [...statuses].filter(([s]) => isFailure(s)).reduce((n, [, c]) => n + c, 0);
const listStatuses = (statuses: Map<string, number>) =>
  [...statuses]
    .sort()
    .map(([s, c]) => `${s}×${c}`)
    .join(' ');

interface Measured {
  intervalMs: number;
  intervals: Interval[];
  actions: Map<string, { latencies: number[]; statuses: Map<string, number> }>;
  /** The server's memory and CPU time when the clock started. */
  start: { rss: number; anon: number; cpu: number };
  /** Its RSS before the warm-up, once the search index answered. */
  coldRss?: number;
  /** Answers of the warm-up, by status: its failures count with the rest. */
  warmStatuses?: Map<string, number>;
  load: number[];
}

/** Sends the mix from `connections` clients for `minutes`, sampling the server's memory and the machine's load. */
async function soak(url: string, pid: number, o: Options, chooseAction: () => Action, world: World): Promise<Measured> {
  const durationMs = o.minutes * 60_000;
  const intervalMs = Math.max(10_000, durationMs / 10);
  const intervals: Interval[] = [];
  const actions: Measured['actions'] = new Map();
  const load: number[] = [];
  const started = Date.now();
  const intervalAt = (t: number) => {
    const i = Math.min(Math.floor((t - started) / intervalMs), Math.ceil(durationMs / intervalMs) - 1);
    return (intervals[i] ??= { latencies: [], statuses: new Map(), rss: [], anon: [], cpu: Number.NaN });
  };
  const sample = (interval: Interval) => {
    const memory = residentMiB(pid);
    interval.rss.push(memory.rss);
    interval.anon.push(memory.anon);
    interval.cpu = cpuSeconds(pid);
  };
  const start = { ...residentMiB(pid), cpu: cpuSeconds(pid) };
  const sampler = setInterval(() => {
    sample(intervalAt(Date.now()));
    load.push(os.loadavg()[0]);
  }, 5_000);
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  const client = async () => {
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
        const cause = (e as { cause?: { code?: string } }).cause;
        status = `no answer (${cause?.code ?? (e as Error).name})`;
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
  try {
    await Promise.all(Array.from({ length: o.connections }, client));
  } finally {
    clearInterval(sampler);
  }
  sample(intervalAt(started + durationMs - 1));
  return { intervalMs, intervals, actions, start, load };
}

function report(m: Measured, mix: Action[], args: string[]): void {
  const { intervals, intervalMs, start, load } = m;
  // The server's CPU time per request tells its own slowing down (it grows) from a busier machine (it stays).
  console.log('\n| interval | requests | 5xx or no answer | 429 | p50 ms | p99 ms | server CPU ms per request | RSS MiB (median) | of it anonymous |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  intervals.forEach((iv, i) => {
    const cpuMs = ((iv.cpu - (i ? intervals[i - 1].cpu : start.cpu)) * 1000) / iv.latencies.length;
    console.log(
      `| ${((i * intervalMs) / 1000).toFixed(0)}–${(((i + 1) * intervalMs) / 1000).toFixed(0)} s | ${iv.latencies.length} | ${failures(iv.statuses)} | ${iv.statuses.get('429') ?? 0} | ${median(iv.latencies).toFixed(0)} | ${percentile(iv.latencies, 99).toFixed(0)} | ${cpuMs.toFixed(0)} | ${median(iv.rss).toFixed(0)} | ${median(iv.anon).toFixed(0)} |`,
    );
  });
  const statuses = new Map<string, number>();
  for (const iv of intervals) for (const [s, c] of iv.statuses) statuses.set(s, (statuses.get(s) ?? 0) + c);
  console.log(`\nstatuses: ${listStatuses(statuses)}`);
  // 5xx in the warm-up are failures just the same.
  for (const [s, c] of m.warmStatuses ?? []) statuses.set(s, (statuses.get(s) ?? 0) + c);
  console.log('\n| action | requests | p50 ms | p99 ms | statuses |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const [name] of mix) {
    const a = m.actions.get(name);
    if (a)
      console.log(
        `| ${name} | ${a.latencies.length} | ${median(a.latencies).toFixed(0)} | ${percentile(a.latencies, 99).toFixed(0)} | ${listStatuses(a.statuses)} |`,
      );
  }

  const requests = intervals.reduce((n, iv) => n + iv.latencies.length, 0);
  const samples = intervals.flatMap((iv) => iv.rss);
  const half = intervals[Math.floor(intervals.length / 2) - 1];
  const last = intervals.at(-1)!;
  const [midRss, endRss] = [median(half.rss), median(last.rss)];
  const [midAnon, endAnon] = [median(half.anon), median(last.anon)];
  console.log(
    `\nRSS: ${m.coldRss === undefined ? '' : `${m.coldRss.toFixed(0)} MiB cold (before the warm-up), `}${start.rss.toFixed(0)} MiB at the start, ${midRss.toFixed(0)} at half time, ${endRss.toFixed(0)} at the end (interval medians), peak ${Math.max(...samples).toFixed(0)}; growth ${(midRss - start.rss).toFixed(0)} MiB in the first half, ${(endRss - midRss).toFixed(0)} MiB in the second`,
  );
  console.log(
    `of it anonymous (heaps): ${start.anon.toFixed(0)}, ${midAnon.toFixed(0)}, ${endAnon.toFixed(0)} MiB; growth ${(midAnon - start.anon).toFixed(0)} MiB in the first half, ${(endAnon - midAnon).toFixed(0)} MiB in the second`,
  );
  console.log(
    `load average (1 min) during the run: ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}, median ${median(load).toFixed(1)}, on ${os.cpus().length} CPUs shared with other work`,
  );
  console.log(`\nreproduce: npm run bench -- soak ${args.join(' ')}`.trimEnd());
  console.log(
    `requests=${requests} 5xx=${failures(statuses)} p99_first_ms=${Math.round(percentile(intervals[0].latencies, 99))} p99_last_ms=${Math.round(percentile(last.latencies, 99))} rss_growth_mb=${Math.round(endRss - start.rss)}`,
  );
}

export async function run(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const mix = ACTIONS.filter(([name]) => !o.only.length || o.only.some((part) => name.includes(part)));
  if (!mix.length) throw new Error(`no action matches --only=${o.only.join(',')}`);
  await copyRealStore(SOAK_DIR);
  const prepared = await prepareWorld();
  // Votes and comments are limited per person; the soak's 100 people post more than a person would.
  const { url, child } = await startServe(SOAK_DIR, { TRUST_PROXY: '1', VOTE_RATE_LIMIT_PER_MINUTE: '600', COMMENT_RATE_LIMIT_PER_HOUR: '6000' });
  let measured: Measured;
  try {
    const world: World = { ...prepared, csrf: await anonymousCsrf(url) };
    console.log(
      `soak: ${o.minutes} min, ${o.connections} connections, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; waiting for the search index …`,
    );
    console.log(`soak: search answered (hybrid) after ${((await waitForSearch(url)) / 1000).toFixed(0)} s`);
    const cold = residentMiB(child.pid!).rss;
    let warmStatuses: Map<string, number> | undefined;
    if (o.warmup > 0) {
      const warm = await soak(url, child.pid!, { ...o, minutes: o.warmup }, actionChooser(mix), world);
      const requests = warm.intervals.reduce((n, iv) => n + iv.latencies.length, 0);
      warmStatuses = new Map();
      for (const iv of warm.intervals) for (const [s, c] of iv.statuses) warmStatuses.set(s, (warmStatuses.get(s) ?? 0) + c);
      console.log(
        `soak: warm-up ${o.warmup} min, ${requests} requests (${listStatuses(warmStatuses)}), RSS ${cold.toFixed(0)} → ${residentMiB(child.pid!).rss.toFixed(0)} MiB`,
      );
    }
    console.log('soak: clock starts');
    measured = await soak(url, child.pid!, o, actionChooser(mix), world);
    measured.coldRss = cold;
    measured.warmStatuses = warmStatuses;
    if (child.exitCode !== null) throw new Error(`paperfeed serve exited with ${child.exitCode} during the soak`);
  } finally {
    // Stopped before the report, so whatever the server logs while shutting down comes before the last line.
    await stopServe(child);
  }
  report(measured, mix, args);
}
