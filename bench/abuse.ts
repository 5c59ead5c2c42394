// `npm run bench -- abuse [--duration=10] [--url=URL]`: does one client's flood slow everyone else down? A visitor
// reads paper pages (300 different ones, one connection, autocannon) against `paperfeed serve` on the real store,
// first alone (the baseline, in the same run), then while four connections from another client
//  - ask for /sitemap.xml with a junk session cookie (which once skipped the page cache and rendered 74k URLs each
//    time), or
//  - cycle /digest/preview parameters (frequency, 50 papers, a different Monday each time: once uncached and
//    unlimited, each composing a digest over a period's papers).
// Prints the visitor's p50/p99 in each phase and what the flood got back. `--url` measures a server already running
// on a copy of the same store instead (for example an older checkout, to compare before and after a fix).
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon';
import { connect } from '../src/db/connect.ts';
import { BENCH_DIR, copyRealStore, startServe, stopServe } from './served-store.ts';

const STORE = path.join(BENCH_DIR, 'paperfeed-bench-abuse');

interface Result {
  latency: { p50: number; p99: number };
  requests: { total: number };
  statusCodeStats?: Record<string, { count: number }>;
  non2xx: number;
  errors: number;
}

const cannon = (o: Record<string, unknown>): Promise<Result> => autocannon(o);

function mondays(count: number): string[] {
  const out: string[] = [];
  const d = new Date('2025-06-02T00:00:00Z'); // a Monday
  for (let i = 0; i < count; i++) out.push(new Date(d.getTime() - i * 7 * 86_400_000).toISOString().slice(0, 10));
  return out;
}

export async function run(args: string[]): Promise<void> {
  const duration = Number(args.find((a) => a.startsWith('--duration='))?.split('=')[1] ?? 10);
  const running = args.find((a) => a.startsWith('--url='))?.slice('--url='.length);
  await copyRealStore(STORE);
  const database = connect({ sqlitePath: path.join(STORE, 'paperfeed.sqlite') });
  const ids = (await database.db.selectFrom('daily_entries').select('paper_id').orderBy('day', 'desc').limit(300).execute()).map((r) => r.paper_id);
  await database.close();
  const served = running ? null : await startServe(STORE, { EMBEDDER: 'none' });
  const url = running ?? served!.url;
  try {
    console.log(
      `abuse: ${running ? `the server at ${running}` : 'this checkout'}; ${duration} s per phase; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
    );
    const visitor = () => cannon({ url, connections: 1, duration, requests: ids.map((id) => ({ method: 'GET', path: `/papers/${id}` })) });
    // Warm-up: the visitor's pages once, the sitemap once.
    await cannon({ url, connections: 2, amount: ids.length, requests: ids.map((id) => ({ method: 'GET', path: `/papers/${id}` })) });
    await fetch(`${url}/sitemap.xml`).then((r) => r.arrayBuffer());
    const floods: [string, Record<string, unknown>][] = [
      ['junk-cookie sitemap', { url: `${url}/sitemap.xml`, connections: 4, duration, headers: { cookie: 'pf_session=x' } }],
      [
        'digest-preview cycling',
        {
          url,
          connections: 4,
          duration,
          requests: mondays(104).flatMap((day) =>
            [3, 25, 50].map((n) => ({ method: 'GET', path: `/digest/preview?frequency=weekly&paperCount=${n}&date=${day}` })),
          ),
        },
      ],
    ];
    console.log('\n| phase | visitor requests | visitor p50 ms | visitor p99 ms | flood requests | flood statuses |');
    console.log('| --- | ---: | ---: | ---: | ---: | --- |');
    const alone = await visitor();
    console.log(`| visitor alone (baseline) | ${alone.requests.total} | ${alone.latency.p50} | ${alone.latency.p99} | – | – |`);
    for (const [name, options] of floods) {
      const [seen, flood] = await Promise.all([visitor(), cannon(options)]);
      const statuses = Object.entries(flood.statusCodeStats ?? {})
        .map(([s, v]) => `${s}×${v.count}`)
        .join(' ');
      console.log(
        `| visitor during ${name} | ${seen.requests.total} | ${seen.latency.p50} (${(seen.latency.p50 / Math.max(alone.latency.p50, 1)).toFixed(1)}×) | ${seen.latency.p99} (${(seen.latency.p99 / Math.max(alone.latency.p99, 1)).toFixed(1)}×) | ${flood.requests.total} | ${statuses}${flood.errors ? ` errors×${flood.errors}` : ''} |`,
      );
    }
    console.log(`\nreproduce: npm run bench -- abuse ${args.join(' ')}`.trimEnd());
  } finally {
    if (served) await stopServe(served.child);
  }
}
