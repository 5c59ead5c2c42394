// `npm run bench -- digest`: email digests at scale. 100,000 subscribers with random topics (categories and
// free-text interests) over the 74,728 real papers of ../shared/data:
//   1. compose: select and render every subscriber's digest (both parts, signed links, list headers), against a
//      baseline that only renders one fixed digest the same number of times (the string-building floor);
//   2. send: messages per second to a local SMTP server in its own process, for a bare nodemailer pooled
//      transport sending one fixed message (baseline), for our transport alone, and for the whole digest run
//      (plan → claim → hand-off → 250 → mark sent, in SQLite) — and the server's count must equal what was planned.
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
import { importConfirmedSubscriptions, listActiveSubscribers, subscriptionsByIds } from '../src/db/subscriptions.ts';
import { importPaths } from '../src/ingest/import.ts';
import { loadPeriodPapers } from '../src/mail/digest-content.ts';
import { composeDigest, runDigests } from '../src/mail/digest-runner.ts';
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
    },
  });
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
    await composeServices.close();
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
    console.log(`reproduce: npm run bench -- digest --subscribers ${total} --send ${sendCount} --date ${date} --connections ${connections}`);
  } finally {
    await database.close();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
