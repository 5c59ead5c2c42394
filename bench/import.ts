// `npm run bench -- import [--rounds N] [--files N]`: imports the 410 daily listing files of ../shared/data
// (120,405 rows, 74,728 papers) into a fresh, fully indexed store, against the baseline of only reading
// them (gunzip + line split + JSON.parse through the same streaming reader, nothing validated or stored).
// SQLite always; PostgreSQL too when PAPERFEED_TEST_PG_URL (or DATABASE_URL) names a server.
// Wall-clock and CPU time are both reported: on a shared machine CPU time is the steadier ratio.
import fs from 'node:fs';
import path from 'node:path';
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

function medianTiming(ts: Timing[]): Timing {
  return { wallMs: median(ts.map((t) => t.wallMs)), cpuMs: median(ts.map((t) => t.cpuMs)) };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rounds: { type: 'string', default: '1' }, files: { type: 'string' } } });
  const rounds = Math.max(1, Number(values.rounds) || 1);
  if (!hasSharedData) {
    console.log('../shared/data is absent: the import benchmark needs the daily listing files.');
    return;
  }
  // Let DATABASE_URL stand in for the test server variable before the helper reads it.
  // (process.env turns an assigned undefined into the string "undefined", hence the check.)
  if (!process.env.PAPERFEED_TEST_PG_URL && process.env.DATABASE_URL) process.env.PAPERFEED_TEST_PG_URL = process.env.DATABASE_URL;
  const { createTestDatabase, PG_URL } = await import('../test/helpers/db.ts');
  const folder = sharedPath('arxiv-daily-listings', 'days');
  const all = fs.readdirSync(folder).sort().map((f) => path.join(folder, f));
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
  console.log(`${files.length} listing files, ${rows.toLocaleString('en-US')} rows; median of ${baselines.length} baseline runs, ${rounds} import run(s) per database`);
  console.log(
    `baseline  gunzip + JSON.parse only       ${(baseline.wallMs / 1000).toFixed(2).padStart(6)} s  ${perSecond(baseline.wallMs).toLocaleString('en-US').padStart(7)} rows/s  (CPU ${(baseline.cpuMs / 1000).toFixed(2)} s)`,
  );

  const kinds: DatabaseKind[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  for (const kind of kinds) {
    const imports: Timing[] = [];
    let papers = 0;
    for (let i = 0; i < rounds; i++) {
      const store = await createTestDatabase(kind);
      try {
        imports.push(
          await timed(async () => {
            const summary = await importPaths(store, files);
            if (summary.errors || summary.unusableFiles.length || summary.read !== rows) {
              throw new Error(`import disagreed with the baseline: ${JSON.stringify({ ...summary, errorDetails: summary.errorDetails.slice(0, 3) })}`);
            }
            papers = summary.inserted;
          }),
        );
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
  }
  console.log(`reproduce: npm run bench -- import${values.rounds ? ` --rounds ${rounds}` : ''}${values.files ? ` --files ${values.files}` : ''}`);
}
