// What the server benchmarks share: the real data in ../shared/data imported once into a SQLite store under the
// system temp dir, a free port, and a `paperfeed serve` child process started on a store and stopped again. The
// server runs in its own process so the load generator does not share its event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connect, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { importPaths } from '../src/ingest/import.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');
const SHARED = path.resolve(ROOT, '../shared/data');
/** Where benchmark stores live: the system temp dir, or PAPERFEED_BENCH_DIR (several checkouts on one machine). */
export const BENCH_DIR = process.env.PAPERFEED_BENCH_DIR ?? os.tmpdir();
/** The imported store every server benchmark starts from (bench/http.ts serves it directly; others copy it). */
export const REAL_STORE_DIR = path.join(BENCH_DIR, 'paperfeed-bench-http');
const EXPECTED_PAPERS = 70_000;

/** The PostgreSQL schema the server benchmarks import the shared data into (on PAPERFEED_TEST_PG_URL's server). */
const REAL_PG_SCHEMA = 'bench_http';

/** Imports the shared data into REAL_STORE_DIR once (migrating it to the current schema); later runs reuse it. */
export async function prepareRealStore(): Promise<void> {
  const file = path.join(REAL_STORE_DIR, 'paperfeed.sqlite');
  fs.mkdirSync(REAL_STORE_DIR, { recursive: true });
  await fillOnce(connect({ sqlitePath: file }), REAL_STORE_DIR);
}

/**
 * The same real store on PostgreSQL: the shared data imported once into the schema bench_http of `pgUrl`'s
 * database. Returns the environment that points `paperfeed serve` at it.
 */
export async function prepareRealPgStore(pgUrl: string): Promise<Record<string, string>> {
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA IF NOT EXISTS ${REAL_PG_SCHEMA}`);
  await admin.end();
  await fillOnce(connect({ databaseUrl: pgUrl, pgSchema: REAL_PG_SCHEMA }), `${pgUrl.replace(/\/\/[^@]*@/, '//')} schema ${REAL_PG_SCHEMA}`);
  const url = new URL(pgUrl);
  url.searchParams.set('options', `-c search_path=${REAL_PG_SCHEMA}`);
  return { DATABASE_URL: url.toString() };
}

/** Migrates a store and imports the shared data into it unless it already holds it; closes it. */
async function fillOnce(database: Database, where: string): Promise<void> {
  try {
    await migrate(database);
    const { n } = await database.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(n) >= EXPECTED_PAPERS) {
      console.log(`store: ${where} (${n} papers, reused)`);
      return;
    }
    if (!fs.existsSync(SHARED)) throw new Error(`${SHARED} is absent: this benchmark needs the shared data`);
    const started = Date.now();
    console.log(`store: importing ${SHARED} into ${where} (once) …`);
    const summary = await importPaths(database, [path.join(SHARED, 'arxiv-daily-listings/days'), path.join(SHARED, 'hf-daily-papers-api/days')]);
    console.log(`store: ${JSON.stringify({ stored: summary.read, seconds: Math.round((Date.now() - started) / 1000) })}`);
  } finally {
    await database.close();
  }
}

/**
 * A working copy of the real store in `dir` for a benchmark that writes (votes, comments): the database file is
 * copied fresh each run; the search cache under `dir/search` is kept between runs, so the index is built once.
 */
export async function copyRealStore(dir: string): Promise<void> {
  await prepareRealStore();
  fs.mkdirSync(dir, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, `paperfeed.sqlite${suffix}`), { force: true });
  fs.copyFileSync(path.join(REAL_STORE_DIR, 'paperfeed.sqlite'), path.join(dir, 'paperfeed.sqlite'));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Served {
  url: string;
  child: ChildProcess;
}

/** Starts `paperfeed serve` (of `root`, this checkout by default) on a store and waits until it answers. */
export async function startServe(dataDir: string, env: Record<string, string> = {}, root = ROOT): Promise<Served> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(root, 'bin/paperfeed.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      PAPERFEED_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_URL: url,
      LOG_LEVEL: 'warn',
      HARVEST_ON_START: 'false',
      SCHEDULER: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.resume();
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`paperfeed serve exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not start');
}

export async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * A process's resident memory in MiB (Linux /proc): all of it, and its two parts: anonymous memory (the heaps, what a
 * leak grows) and file pages (mapped files such as a search snapshot, counted as they are touched).
 */
export function residentMiB(pid: number): { rss: number; anon: number; file: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: kB('VmRSS'), anon: kB('RssAnon'), file: kB('RssFile') };
}

/** CPU time a process has used so far, user and system, in seconds (Linux /proc; clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  // The fields after the command name, which is in parentheses and may contain spaces: utime and stime are 12th and 13th.
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Waits until search answers with the complete index: a hybrid hit with a semantic score. On a first run the server
 * builds the index (lexical part first, then the embedder and vectors, minutes to an hour on a loaded machine); the
 * snapshot it saves under the store's data dir is loaded by later runs in seconds. Returns the wait in ms.
 */
export async function waitForSearch(url: string): Promise<number> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/papers/search?q=transformer&limit=1`, { signal: AbortSignal.timeout(600_000) });
      const hits = res.ok ? ((await res.json()) as { scoreParts?: { semantic?: number } }[]) : [];
      if (hits[0]?.scoreParts?.semantic !== undefined) return Date.now() - started;
    } catch {
      // the index is still being built
    }
    if (Date.now() - started > 7_200_000) throw new Error('the search index was not complete after 2 hours');
    if (Date.now() - reported > 60_000) {
      reported = Date.now();
      console.log(`index still building after ${Math.round((reported - started) / 60_000)} min …`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}
