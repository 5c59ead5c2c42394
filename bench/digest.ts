// `npm run bench -- digest`: email digests at scale. 100,000 subscribers with random topics (categories and
// free-text interests) over the 74,728 real papers of ../shared/data:
//   1. compose: select and render every subscriber's digest (both parts, signed links, list headers), against a
//      baseline that only renders one fixed digest the same number of times (the string-building floor);
//   2. send: messages per second to a local SMTP server in its own process, for a bare nodemailer pooled
//      transport sending one fixed message (baseline), for our transport alone, and for the whole digest run
//      (plan → claim → hand-off → 250 → mark sent, in SQLite) — and the server's count must equal what was planned;
//   3. "For you": the picks of readers who turned the section on (src/mail/for-you.ts), at their first digest (their
//      model is fitted and stored) and at later ones (the stored model is used), against composing without it.
// The papers store is imported once under the system temp dir and reused; subscribers go into a fresh copy.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { loadConfig } from '../src/config.ts';
import { connect, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { storeStats } from '../src/db/papers.ts';
import { seededRandom } from '../src/domain/seeded-random.ts';
import { setSaved } from '../src/db/library.ts';
import { forYouReaders, importConfirmedSubscriptions, listActiveSubscribers, setForYou, subscriptionsByIds } from '../src/db/subscriptions.ts';
import { createUser } from '../src/db/users.ts';
import { importPaths } from '../src/ingest/import.ts';
import { loadPeriodPapers } from '../src/mail/digest-content.ts';
import { composeDigest, runDigests } from '../src/mail/digest-runner.ts';
import { forYouPicks, type ForYouPick } from '../src/mail/for-you.ts';
import { LinkSigner, mailLinks } from '../src/mail/links.ts';
import type { Frequency, Preferences } from '../src/mail/preferences.ts';
import { renderDigest } from '../src/mail/render.ts';
import { periodForDate, type DigestPeriod } from '../src/mail/schedule.ts';
import { selectDigest } from '../src/mail/select.ts';
import { TopicIndex } from '../src/mail/topics.ts';
import { createMailTransport, messageIdHost } from '../src/mail/transport.ts';
import { createServices } from '../src/services.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHARED = path.resolve(ROOT, '../shared/data');
const STORE_DIR = path.join(os.tmpdir(), 'paperfeed-bench-digest');
const BASE_URL = 'https://papers.example.org';
const BENCH_SECRET = 'bench-secret-0123456789-0123456789';

const CATEGORIES = [
  'cs.CV',
  'cs.AI',
  'cs.CL',
  'cs.LG',
  'cs.GR',
  'cs.RO',
  'cs.MM',
  'cs.HC',
  'cs.IR',
  'eess.IV',
  'stat.ML',
  'cs.CR',
  'cs.SD',
  'eess.AS',
  'cs.NE',
  'cs.MA',
];
const INTERESTS = [
  'diffusion models',
  'large language models',
  'reinforcement learning',
  'vision language models',
  'retrieval augmented generation',
  'graph neural networks',
  '3d gaussian splatting',
  'neural radiance fields',
  'video generation',
  'speech recognition',
  'machine translation',
  'mixture of experts',
  'model compression',
  'quantization',
  'knowledge distillation',
  'federated learning',
  'adversarial robustness',
  'interpretability',
  'chain of thought reasoning',
  'instruction tuning',
  'preference optimization',
  'autonomous driving',
  'robot manipulation',
  'medical image segmentation',
  'object detection',
  'point clouds',
  'text to image',
  'image editing',
  'multimodal benchmarks',
  'code generation',
  'mathematical reasoning',
  'agents tool use',
  'hallucination',
  'continual learning',
  'self-supervised learning',
  'contrastive learning',
  'time series forecasting',
  'anomaly detection',
  'recommendation systems',
  'state space models',
  'transformer efficiency',
  'long context',
  'low-rank adaptation',
  'world models',
];

function pick<T>(rand: () => number, from: T[], count: number): T[] {
  const out = new Set<T>();
  while (out.size < count) out.add(from[Math.floor(rand() * from.length)]);
  return [...out];
}

function randomSubscribers(n: number, weekly: number): { email: string; preferences: Preferences }[] {
  const rand = seededRandom(20250604);
  return Array.from({ length: n }, (_, i) => ({
    email: `reader${i}@bench.example.org`,
    preferences: {
      // The first `weekly` subscribers get the weekly digest: the send phase mails exactly those.
      frequency: (i < weekly ? 'weekly' : 'daily') as Frequency,
      categories: pick(rand, CATEGORIES, Math.floor(rand() * 4)),
      interests: pick(rand, INTERESTS, Math.floor(rand() * 3)),
      paperCount: 5 + Math.floor(rand() * 16),
      timeZone: 'UTC',
      sendHour: 7,
    },
  }));
}

async function paperStore(): Promise<string> {
  const file = path.join(STORE_DIR, 'papers.sqlite');
  if (fs.existsSync(file)) {
    const db = connect({ sqlitePath: file });
    const stats = await storeStats(db);
    await db.close();
    console.log(`store: ${file} (${stats.papers} papers, ${stats.dailyEntries} daily entries, reused)`);
    return file;
  }
  fs.mkdirSync(STORE_DIR, { recursive: true });
  const tmp = `${file}.importing`;
  fs.rmSync(tmp, { force: true });
  const db = connect({ sqlitePath: tmp });
  await migrate(db);
  const started = Date.now();
  console.log(`store: importing ${SHARED} into ${tmp} (once) …`);
  await importPaths(db, [path.join(SHARED, 'arxiv-daily-listings/days'), path.join(SHARED, 'hf-daily-papers-api/days')]);
  const stats = await storeStats(db);
  // Fold the WAL in so the file can be copied alone.
  await db.close();
  fs.renameSync(tmp, file);
  console.log(`store: ${stats.papers} papers, ${stats.dailyEntries} daily entries in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

function memoryWatch() {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  return {
    peakMb: () => Math.round(Math.max(peakRss, process.memoryUsage().rss) / 1048576),
    stop: () => clearInterval(timer),
  };
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

/** A counting SMTP sink in its own process, so the server does not share the sender's event loop. */
async function startSink(): Promise<{ url: string; count(): Promise<number>; stop(): void }> {
  const script = `
const { SMTPServer } = require('smtp-server');
let n = 0;
const s = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, maxClients: 500,
  onData(stream, session, cb) { stream.on('data', () => {}); stream.on('end', () => { n++; cb(); }); } });
s.on('error', () => {});
s.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: s.server.address().port }) + '\\n'));
process.stdin.on('data', () => process.stdout.write(JSON.stringify({ count: n }) + '\\n'));`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: ((line: any) => void)[] = [];
  let buffer = '';
  child.stdout!.on('data', (d) => {
    buffer += d;
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      lines.shift()?.(line);
    }
  });
  const next = () => new Promise<any>((resolve) => lines.push(resolve));
  const { port } = await next();
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: async () => {
      const reply = next();
      child.stdin!.write('?\n');
      return (await reply).count;
    },
    stop: () => child.kill('SIGTERM'),
  };
}

/** Sends `n` messages with at most `inFlight` outstanding; returns messages per second. */
async function sendMany(n: number, inFlight: number, send: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        next++;
        await send();
      }
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      subscribers: { type: 'string', default: '100000' },
      send: { type: 'string', default: '5000' },
      date: { type: 'string', default: '2026-07-02' },
      connections: { type: 'string', default: '10' },
      'for-you': { type: 'string', default: '1000' },
    },
  });
  const forYouCount = Number(values['for-you']);
  const total = Number(values.subscribers);
  const sendCount = Math.min(Number(values.send), total);
  const connections = Number(values.connections);
  const date = values.date!;
  if (!fs.existsSync(SHARED)) throw new Error(`${SHARED} is absent: the digest benchmark needs the real papers`);
  const memory = memoryWatch();

  // Store: papers once, subscribers in a fresh copy per run.
  const papersFile = await paperStore();
  const runDir = fs.mkdtempSync(path.join(STORE_DIR, 'run-'));
  const runFile = path.join(runDir, 'paperfeed.sqlite');
  fs.copyFileSync(papersFile, runFile);
  const database: Database = connect({ sqlitePath: runFile });
  try {
    // A store kept from an earlier run may predate this code's schema.
    await migrate(database);
    let t = performance.now();
    await importConfirmedSubscriptions(database, randomSubscribers(total, sendCount), new Date());
    console.log(`subscribers: ${total} (${sendCount} weekly, ${total - sendCount} daily) stored in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // 1. Compose every digest.
    const signer = new LinkSigner(BENCH_SECRET);
    const links = mailLinks(BASE_URL, signer);
    const host = messageIdHost(BASE_URL);
    t = performance.now();
    const subscribers = await listActiveSubscribers(database);
    const withKeys = await subscriptionsByIds(
      database,
      subscribers.map((s) => s.id),
    );
    const loadSubscribersS = (performance.now() - t) / 1000;
    // Interests are ranked by the search service, as in `serve` (where its index is already built): build it first.
    t = performance.now();
    const composeServices = await createServices(loadConfig({ PAPERFEED_DATA_DIR: runDir, EMBEDDER: 'none', LOG_LEVEL: 'silent' }), { database });
    const search = composeServices.search;
    await search.refresh();
    const searchBuildS = (performance.now() - t) / 1000;
    const interests = subscribers.flatMap((s) => s.preferences.interests);
    t = performance.now();
    const contents = new Map<Frequency, { period: DigestPeriod; trending: Awaited<ReturnType<typeof loadPeriodPapers>>; index: TopicIndex }>();
    for (const f of ['daily', 'weekly'] as Frequency[]) {
      const period = periodForDate(f, date);
      if (!period) throw new Error(`no ${f} digest on ${date}: pick a weekday`);
      const trending = await loadPeriodPapers(database, period);
      const index = new TopicIndex(trending, search);
      await index.prepare(interests);
      contents.set(f, { period, trending, index });
    }
    const loadContentS = (performance.now() - t) / 1000;
    t = performance.now();
    let bytes = 0;
    let papersOut = 0;
    for (const s of subscribers) {
      const sub = withKeys.get(s.id)!;
      const { mail, paperIds } = composeDigest(contents.get(s.preferences.frequency)!, sub, links, BASE_URL, host);
      bytes += mail.html!.length + mail.text.length;
      papersOut += paperIds.length;
    }
    const composeS = (performance.now() - t) / 1000;
    const heapAfterCompose = mb(process.memoryUsage().heapUsed);

    // Baseline: render one fixed digest (no selection, no links to sign) as many times.
    const daily = contents.get('daily')!;
    const fixedPrefs = subscribers.find((s) => s.preferences.frequency === 'daily')!.preferences;
    const fixedSections = selectDigest(daily.trending, daily.index, fixedPrefs);
    const fixedLinks = {
      paper: (id: string) => `${BASE_URL}/papers/${id}`,
      unsubscribe: `${BASE_URL}/unsubscribe`,
      manage: `${BASE_URL}/subscription`,
      site: BASE_URL,
    };
    t = performance.now();
    let baselineBytes = 0;
    for (let i = 0; i < subscribers.length; i++) {
      const r = renderDigest(daily.period, fixedPrefs, fixedSections, fixedLinks);
      baselineBytes += r.html.length + r.text.length;
    }
    const baselineS = (performance.now() - t) / 1000;

    console.log('');
    console.log(
      `compose (${subscribers.length} digests; daily ${daily.period.key} over ${daily.trending.length} papers, weekly ${contents.get('weekly')!.period.key} over ${contents.get('weekly')!.trending.length} papers)`,
    );
    console.log(`  load subscribers           ${loadSubscribersS.toFixed(2)} s`);
    console.log(`  search index (lexical)     ${searchBuildS.toFixed(2)} s  (built once per process; serve has it already)`);
    console.log(`  load period papers + index ${loadContentS.toFixed(2)} s  (each distinct interest searched once over the period's papers)`);
    console.log(
      `  compose all digests        ${composeS.toFixed(2)} s  (${Math.round(subscribers.length / composeS)} digests/s, ${((composeS * 1e6) / subscribers.length).toFixed(0)} µs each, ${(papersOut / subscribers.length).toFixed(1)} papers, ${Math.round(bytes / subscribers.length / 1024)} KiB html+text each)  target ≤ 60 s`,
    );
    console.log(
      `  baseline: render 1 fixed   ${baselineS.toFixed(2)} s  (${((baselineS * 1e6) / subscribers.length).toFixed(0)} µs each, ${Math.round(baselineBytes / subscribers.length / 1024)} KiB)  → compose/baseline ${(composeS / baselineS).toFixed(2)}×`,
    );
    console.log(`  memory: heap after compose ${heapAfterCompose} MiB, peak RSS so far ${memory.peakMb()} MiB`);

    await forYouPhase(database, composeServices, subscribers.filter((s) => s.preferences.frequency === 'daily').slice(0, forYouCount), {
      content: daily,
      withKeys,
      links,
      host,
    });
    await composeServices.close();

    // 2. Send to a local SMTP server.
    const sink = await startSink();
    try {
      const sample = composeDigest(daily, withKeys.get(subscribers[subscribers.length - 1].id)!, links, BASE_URL, host).mail;
      const inFlight = connections * 2;
      const bare = nodemailer.createTransport({
        host: '127.0.0.1',
        port: Number(new URL(sink.url).port),
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: connections,
        maxMessages: 1000,
      });
      const bareRate = await sendMany(sendCount, inFlight, () =>
        bare.sendMail({
          from: 'Paperfeed <digest@papers.example.org>',
          to: 'reader@bench.example.org',
          subject: sample.subject,
          text: sample.text,
          html: sample.html,
          headers: sample.headers,
        }),
      );
      bare.close();
      const ours = createMailTransport(
        { SMTP_URL: sink.url, MAIL_FROM: 'Paperfeed <digest@papers.example.org>', dataDir: runDir, baseUrl: BASE_URL },
        { maxConnections: connections },
      );
      const oursRate = await sendMany(sendCount, inFlight, () => ours.send({ ...sample, messageId: undefined, to: 'reader@bench.example.org' }));
      await ours.close();

      const before = await sink.count();
      const config = loadConfig({
        PAPERFEED_DATA_DIR: runDir,
        SMTP_URL: sink.url,
        MAIL_FROM: 'Paperfeed <digest@papers.example.org>',
        BASE_URL,
        SECRET_KEY: BENCH_SECRET,
        SMTP_MAX_CONNECTIONS: String(connections),
        DIGEST_CONCURRENCY: String(inFlight),
        DIGEST_RUN_MAX_WAIT_MS: '0',
        LOG_LEVEL: 'silent',
        // Interests are ranked lexically; the index the compose step built is loaded from runDir.
        EMBEDDER: 'none',
      });
      const services = await createServices(config, { database });
      t = performance.now();
      const summary = await runDigests(services, { date, frequency: 'weekly' });
      const runS = (performance.now() - t) / 1000;
      await services.close();
      const arrived = (await sink.count()) - before;
      console.log('');
      console.log(
        `send (${sendCount} messages of ~${Math.round((sample.html!.length + sample.text.length) / 1024)} KiB, ${connections} SMTP connections, ${inFlight} in flight, server in its own process)`,
      );
      console.log(`  baseline: bare nodemailer pool, 1 fixed message   ${Math.round(bareRate)} msg/s`);
      console.log(`  our transport (pool with held end-of-data)        ${Math.round(oursRate)} msg/s  (${(oursRate / bareRate).toFixed(2)}× baseline)`);
      const sendRate = summary.sent / (summary.sendMs / 1000);
      console.log(
        `  full digest run: claim, compose, hand-off, mark   ${Math.round(sendRate)} msg/s  (${(sendRate / bareRate).toFixed(2)}× baseline; sending ${(summary.sendMs / 1000).toFixed(1)} s, planning ${summary.planned} in ${(summary.planMs / 1000).toFixed(1)} s; ${Math.round(summary.sent / runS)} msg/s overall)  target ≥ 500 msg/s`,
      );
      console.log(
        `  server received ${arrived} for ${summary.planned} planned, sent ${summary.sent}, failed ${summary.failed}: ${arrived === summary.planned ? 'exactly once each' : 'MISMATCH'}`,
      );
    } finally {
      sink.stop();
    }
    memory.stop();
    console.log(`  memory: peak RSS ${memory.peakMb()} MiB`);
    console.log('');
    console.log(
      `reproduce: npm run bench -- digest --subscribers ${total} --send ${sendCount} --date ${date} --connections ${connections} --for-you ${forYouCount}`,
    );
  } finally {
    await database.close();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

const PAPERS_SAVED = 10;

/** Mean, median and 95th percentile of some timings, in ms. */
function spread(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return `mean ${mean.toFixed(1)} ms, median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms`;
}

/**
 * 3. "For you": these subscribers get an account at their address, a library of PAPERS_SAVED random papers of the
 * store, and the section on. Their picks are timed twice: with no stored model (the first digest fits and stores it)
 * and with it stored (every later digest while their papers and the index are unchanged). Baseline: composing the same
 * digests without the section.
 */
async function forYouPhase(
  database: Database,
  services: Awaited<ReturnType<typeof createServices>>,
  readers: { id: string; email: string }[],
  shared: {
    content: { period: DigestPeriod; trending: Awaited<ReturnType<typeof loadPeriodPapers>>; index: TopicIndex };
    withKeys: Awaited<ReturnType<typeof subscriptionsByIds>>;
    links: ReturnType<typeof mailLinks>;
    host: string;
  },
): Promise<void> {
  if (!readers.length) return;
  let t = performance.now();
  const features = await services.recommendations.features();
  const featuresS = (performance.now() - t) / 1000;
  const rand = seededRandom(20250605);
  t = performance.now();
  for (const [i, r] of readers.entries()) {
    const user = await createUser(database, { email: r.email, username: `reader${i}` });
    for (let k = 0; k < PAPERS_SAVED; k++) await setSaved(database, user.id, features.ids.id(Math.floor(rand() * features.docCount)), true);
    await setForYou(database, user, true, new Date());
  }
  const setupS = (performance.now() - t) / 1000;
  const accountOf = await forYouReaders(
    database,
    readers.map((r) => r.id),
  );
  if (accountOf.size !== readers.length) throw new Error(`${accountOf.size} of ${readers.length} readers tied to their account`);

  const timePicks = async () => {
    const ms: number[] = [];
    const picks = new Map<string, ForYouPick[]>();
    for (const r of readers) {
      const started = performance.now();
      picks.set(r.id, await forYouPicks(services, accountOf.get(r.id)!, shared.content.trending));
      ms.push(performance.now() - started);
    }
    return { ms, picks };
  };
  const first = await timePicks();
  const later = await timePicks();
  const compose = (picksOf: (id: string) => ForYouPick[]) => {
    const started = performance.now();
    for (const r of readers) composeDigest(shared.content, shared.withKeys.get(r.id)!, shared.links, BASE_URL, shared.host, picksOf(r.id));
    return ((performance.now() - started) * 1000) / readers.length;
  };
  const withoutUs = compose(() => []);
  const withUs = compose((id) => later.picks.get(id)!);
  const shown = [...later.picks.values()].reduce((n, p) => n + p.length, 0) / readers.length;

  console.log('');
  console.log(
    `for you (${readers.length} daily readers with ${PAPERS_SAVED} saved papers each, picks among ${shared.content.trending.length} papers of ${shared.content.period.key})`,
  );
  console.log(`  accounts, libraries, switch ${setupS.toFixed(1)} s`);
  console.log(`  features of ${features.docCount} papers ${featuresS.toFixed(1)} s  (once per process, only when someone has the section on)`);
  console.log(`  first digest (fit + store)  ${spread(first.ms)}`);
  console.log(`  later digests (stored)      ${spread(later.ms)}  (${shown.toFixed(1)} papers shown)`);
  console.log(
    `  compose with the section    ${withUs.toFixed(0)} µs each; baseline without it ${withoutUs.toFixed(0)} µs → picks at later digests cost ${((later.ms.reduce((a, b) => a + b, 0) * 1000) / readers.length / withoutUs).toFixed(0)}× composing one digest`,
  );
}
