// `npm run bench -- import [--rounds N] [--files N] [--part listings|hf|all]`: imports the 410 daily listing files of ../shared/data
// (120,405 rows, 74,728 papers) into a fresh, fully indexed store, against the baseline of only reading
// them (gunzip + line split + JSON.parse through the same streaming reader, nothing validated or stored).
// SQLite always; PostgreSQL too when PAPERFEED_TEST_PG_URL (or DATABASE_URL) names a server.
// Wall-clock and CPU time are both reported: on a shared machine CPU time is the steadier ratio. On Linux
// the import's CPU is also split by thread (the store writes on the main thread while a worker parses), the
// busiest thread bounding the wall time an idle two-core machine would see.
// Then the 580 Hugging Face days (read as a stream of records) against gunzip + JSON.parse of each whole file,
// and one crafted day of twenty million `{}` (58 KB gzipped): its import time and the process's peak RSS.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import type { DatabaseKind } from '../src/db/connect.ts';
import { readLineChunks } from '../src/ingest/files.ts';
import { importPaths } from '../src/ingest/import.ts';
import { hasSharedData, sharedPath } from '../test/helpers/shared-data.ts';

const TARGET_PAPERS_PER_SECOND = 20_000;
const TARGET_RATIO = 4;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timed(fn: () => Promise<void>): Promise<Timing> {
  const wall = performance.now();
  const cpu = cpuMs();
  await fn();
  return { wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu };
}

/** CPU milliseconds per live thread of this process, from /proc (Linux); empty elsewhere. */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  if (!fs.existsSync('/proc/self/task')) return out;
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, in clock ticks of 10 ms.
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

/** Samples per-thread CPU while `fn` runs (a worker thread is gone by the time it returns). */
async function perThread(fn: () => Promise<void>): Promise<{ main: number; busiestOther: number }> {
  const before = threadCpuMs();
  const last = new Map<string, number>();
  const sample = () =>
    threadCpuMs().forEach((ms, tid) => {
      last.set(tid, ms);
    });
  const timer = setInterval(sample, 100);
  try {
    await fn();
  } finally {
    clearInterval(timer);
    sample();
  }
  const used = [...last].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const);
  const main = used.find(([tid]) => tid === String(process.pid))?.[1] ?? 0;
  const busiestOther = Math.max(0, ...used.filter(([tid]) => tid !== String(process.pid)).map(([, ms]) => ms));
  return { main, busiestOther };
}

function medianTiming(ts: Timing[]): Timing {
  return { wallMs: median(ts.map((t) => t.wallMs)), cpuMs: median(ts.map((t) => t.cpuMs)) };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { rounds: { type: 'string', default: '1' }, files: { type: 'string' }, part: { type: 'string', default: 'all' } },
  });
  const rounds = Math.max(1, Number(values.rounds) || 1);
  if (!hasSharedData) {
    console.log('../shared/data is absent: the import benchmark needs the daily listing files.');
    return;
  }
  // Let DATABASE_URL stand in for the test server variable before the helper reads it.
  // (process.env turns an assigned undefined into the string "undefined", hence the check.)
  if (!process.env.PAPERFEED_TEST_PG_URL && process.env.DATABASE_URL) process.env.PAPERFEED_TEST_PG_URL = process.env.DATABASE_URL;
  const { createTestDatabase, PG_URL } = await import('../test/helpers/db.ts');
  if (values.part !== 'hf') await listings(values, rounds, createTestDatabase, PG_URL);
  if (values.part !== 'listings') await hfDays(createTestDatabase);
  console.log(
    `reproduce: npm run bench -- import${values.rounds ? ` --rounds ${rounds}` : ''}${values.files ? ` --files ${values.files}` : ''}${values.part !== 'all' ? ` --part ${values.part}` : ''}`,
  );
}

type CreateStore = (kind: DatabaseKind) => Promise<import('../test/helpers/db.ts').TestDatabase>;

async function listings(values: { files?: string }, rounds: number, createTestDatabase: CreateStore, PG_URL: string | undefined): Promise<void> {
  const folder = sharedPath('arxiv-daily-listings', 'days');
  const all = fs
    .readdirSync(folder)
    .sort()
    .map((f) => path.join(folder, f));
  const files = values.files ? all.slice(0, Math.max(1, Number(values.files))) : all;

  let rows = 0;
  const baselines: Timing[] = [];
  for (let i = 0; i < Math.max(rounds, 3); i++) {
    rows = 0;
    baselines.push(
      await timed(async () => {
        for (const file of files) {
          for await (const { lines } of readLineChunks(file)) {
            for (const line of lines) {
              if (!line.trim()) continue;
              JSON.parse(line);
              rows++;
            }
          }
        }
      }),
    );
  }
  const baseline = medianTiming(baselines);
  const perSecond = (ms: number) => Math.round(rows / (ms / 1000));
  console.log(
    `${files.length} listing files, ${rows.toLocaleString('en-US')} rows; median of ${baselines.length} baseline runs, ${rounds} import run(s) per database`,
  );
  console.log(
    `baseline  gunzip + JSON.parse only       ${(baseline.wallMs / 1000).toFixed(2).padStart(6)} s  ${perSecond(baseline.wallMs).toLocaleString('en-US').padStart(7)} rows/s  (CPU ${(baseline.cpuMs / 1000).toFixed(2)} s)`,
  );

  const kinds: DatabaseKind[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  for (const kind of kinds) {
    const imports: Timing[] = [];
    const threads: { main: number; busiestOther: number }[] = [];
    let papers = 0;
    for (let i = 0; i < rounds; i++) {
      const store = await createTestDatabase(kind);
      try {
        let timing: Timing | null = null;
        threads.push(
          await perThread(async () => {
            timing = await timed(async () => {
              const summary = await importPaths(store, files);
              if (summary.errors || summary.unusableFiles.length || summary.read !== rows) {
                throw new Error(`import disagreed with the baseline: ${JSON.stringify({ ...summary, errorDetails: summary.errorDetails.slice(0, 3) })}`);
              }
              papers = summary.inserted;
            });
          }),
        );
        imports.push(timing!);
      } finally {
        await store.drop();
      }
    }
    const t = medianTiming(imports);
    const rate = perSecond(t.wallMs);
    const ratio = t.wallMs / baseline.wallMs;
    const verdict = rate >= TARGET_PAPERS_PER_SECOND && ratio <= TARGET_RATIO ? 'meets' : 'misses';
    console.log(
      `${kind.padEnd(9)} import into a fresh store      ${(t.wallMs / 1000).toFixed(2).padStart(6)} s  ${rate.toLocaleString('en-US').padStart(7)} rows/s  ` +
        `(${papers.toLocaleString('en-US')} papers stored; CPU ${(t.cpuMs / 1000).toFixed(2)} s)  ` +
        `${ratio.toFixed(1)}× the baseline wall time, ${(t.cpuMs / baseline.cpuMs).toFixed(1)}× its CPU time — ${verdict} the target (≥ ${TARGET_PAPERS_PER_SECOND.toLocaleString('en-US')} rows/s and ≤ ${TARGET_RATIO}×)`,
    );
    const main = median(threads.map((x) => x.main));
    if (main > 0) {
      const other = median(threads.map((x) => x.busiestOther));
      // On two idle cores the wall time can beat neither the busiest thread nor half the process's CPU time.
      const floor = Math.max(main, other, t.cpuMs / 2);
      console.log(
        `${''.padEnd(9)} CPU by thread: main (store) ${(main / 1000).toFixed(2)} s, busiest other (reader) ${(other / 1000).toFixed(2)} s; ` +
          `on two idle cores at best ${(floor / 1000).toFixed(2)} s = ${perSecond(floor).toLocaleString('en-US')} rows/s, ${(floor / baseline.wallMs).toFixed(1)}× this baseline` +
          (kind === 'postgres' ? ' (not counting the PostgreSQL server, a separate process)' : ''),
      );
    }
  }
}

async function hfDays(createTestDatabase: CreateStore): Promise<void> {
  const folder = sharedPath('hf-daily-papers-api', 'days');
  const files = fs
    .readdirSync(folder)
    .sort()
    .map((f) => path.join(folder, f));
  const baselines: Timing[] = [];
  for (let i = 0; i < 3; i++) {
    baselines.push(
      await timed(async () => {
        for (const file of files) {
          try {
            JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'));
          } catch {
            // The crawls that are not JSON cost their parse attempt, as in the import.
          }
        }
      }),
    );
  }
  const baseline = medianTiming(baselines);
  const store = await createTestDatabase('sqlite');
  try {
    let records = 0;
    const t = await timed(async () => {
      records = (await importPaths(store, files, { parallel: false })).read;
    });
    console.log(
      `hf-daily  ${files.length} days, ${records.toLocaleString('en-US')} records: gunzip + JSON.parse ${(baseline.wallMs / 1000).toFixed(2)} s; ` +
        `import ${(t.wallMs / 1000).toFixed(2)} s (${(t.wallMs / baseline.wallMs).toFixed(1)}× the baseline wall time, CPU ${(t.cpuMs / 1000).toFixed(2)} s)`,
    );
  } finally {
    await store.drop();
  }
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'paperfeed-bench-import-'));
  const hostileStore = await createTestDatabase('sqlite');
  try {
    const file = path.join(dir, '2025-06-01.json.gz');
    const block = '{},'.repeat(100_000);
    fs.writeFileSync(file, zlib.gzipSync(`[${block.repeat(199)}${block.slice(0, -1)}]`));
    // The kernel's high-water mark, reset first: a sampling timer cannot run while a parse blocks the thread.
    resetPeakRss();
    let summary: Awaited<ReturnType<typeof importPaths>> | null = null;
    const t = await timed(async () => {
      summary = await importPaths(hostileStore, [file], { parallel: false });
    });
    const s = summary!;
    console.log(
      `hostile   20,000,000 × {} in ${fs.statSync(file).size.toLocaleString('en-US')} gzipped bytes: ${(t.wallMs / 1000).toFixed(2)} s, peak RSS ${peakRssMb()} MB, ` +
        `${s.read.toLocaleString('en-US')} records read, unusable: ${s.unusableFiles.map((f) => f.reason).join('; ') || 'no'}`,
    );
  } finally {
    await hostileStore.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Resets this process's peak resident set size (Linux: clear_refs 5); elsewhere the peak is the lifetime's. */
function resetPeakRss() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not permitted: peakRssMb() then reports the lifetime peak.
  }
}

function peakRssMb(): string {
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]);
    return String(Math.round(kb / 1024));
  } catch {
    return `≥ ${Math.round(process.memoryUsage().rss / 2 ** 20)}`;
  }
}
