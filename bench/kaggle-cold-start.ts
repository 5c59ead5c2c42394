// `npm run bench -- kaggle-cold-start [--records N] [--dir DIR] [--embedder corpus|none]`
//
// A cold start from a Kaggle-format arXiv snapshot: N records are synthesised from the 200-record sample in
// ../shared/data/arxiv-kaggle-snapshot-sample (new ids; titles and abstracts recombined from the sample's words and
// sentences with a generator seeded by the record number), written to DIR at bench time (never committed), imported
// into a fresh SQLite store, and indexed (the search snapshot written as `paperfeed index` writes it) until a hybrid
// search answers. Prints the import rate, the index time and the total time to a searchable site, against the
// baseline of only reading the file (line split + JSON.parse) in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { seededRandom } from '../src/domain/seeded-random.ts';
import { readLineChunks } from '../src/ingest/files.ts';
import { importPaths } from '../src/ingest/import.ts';
import { DatabaseSearchService } from '../src/search/service.ts';
import { sharedPath } from '../test/helpers/shared-data.ts';

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

const SAMPLE = 'arxiv-kaggle-snapshot-sample/arxiv-metadata-oai-snapshot.sample-200.jsonl';

/** New-style ids, 99,999 per month from 2015-01 on: distinct for any N the bench can hold. */
function arxivId(i: number): string {
  const month = Math.floor(i / 99_999);
  const yy = 15 + Math.floor(month / 12);
  const mm = 1 + (month % 12);
  return `${String(yy).padStart(2, '0')}${String(mm).padStart(2, '0')}.${String((i % 99_999) + 1).padStart(5, '0')}`;
}

/** Writes N records made from the sample's records, words and sentences; returns the file. */
function synthesise(dir: string, n: number): string {
  const sample = fs
    .readFileSync(sharedPath(SAMPLE), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const titleWords = sample.map((r) => String(r.title).replace(/\s+/g, ' ').trim().split(' '));
  const sentences = sample.flatMap((r) =>
    String(r.abstract)
      .replace(/\s+/g, ' ')
      .trim()
      .split(/(?<=\.) /),
  );
  const file = path.join(dir, `kaggle-${n}.jsonl`);
  const out = fs.openSync(file, 'w');
  try {
    let buffer: string[] = [];
    for (let i = 0; i < n; i++) {
      const rand = seededRandom(i * 2654435761 + 1);
      const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
      const model = sample[i % sample.length];
      const title = [...pick(titleWords).slice(0, 4 + Math.floor(rand() * 4)), ...pick(titleWords).slice(0, 3 + Math.floor(rand() * 4))].join(' ');
      const abstract = Array.from({ length: 3 + Math.floor(rand() * 4) }, () => pick(sentences)).join(' ');
      buffer.push(JSON.stringify({ ...model, id: arxivId(i), title, abstract }));
      if (buffer.length === 10_000) {
        fs.writeSync(out, buffer.join('\n') + '\n');
        buffer = [];
      }
    }
    if (buffer.length) fs.writeSync(out, buffer.join('\n') + '\n');
  } finally {
    fs.closeSync(out);
  }
  return file;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      records: { type: 'string', default: '100000' },
      dir: { type: 'string', default: path.join(os.tmpdir(), 'paperfeed-bench-kaggle') },
      embedder: { type: 'string', default: 'corpus' },
    },
  });
  const n = Number(values.records);
  const dir = path.resolve(values.dir!);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let t = performance.now();
  const file = synthesise(dir, n);
  console.log(
    `synthesised ${n.toLocaleString('en-US')} records (${Math.round(fs.statSync(file).size / 2 ** 20)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  t = performance.now();
  let rows = 0;
  for await (const { lines } of readLineChunks(file)) for (const line of lines) if (line.trim()) rows += JSON.parse(line) ? 1 : 0;
  const readS = (performance.now() - t) / 1000;
  console.log(
    `baseline, read + JSON.parse only: ${rows.toLocaleString('en-US')} rows in ${readS.toFixed(1)} s = ${Math.round(rows / readS).toLocaleString('en-US')} rows/s`,
  );

  const sqlitePath = path.join(dir, 'paperfeed.sqlite');
  const database = connect({ sqlitePath });
  try {
    const started = performance.now();
    await migrate(database);
    const summary = await importPaths(database, [file]);
    const importS = (performance.now() - started) / 1000;
    console.log(
      `import: ${JSON.stringify(summary).slice(0, 160)}… in ${importS.toFixed(1)} s = ${Math.round(n / importS).toLocaleString('en-US')} papers/s (${(n / importS / (rows / readS)).toFixed(2)} of the baseline rate)`,
    );
    const service = new DatabaseSearchService(database, {
      dataDir: dir,
      embedder: values.embedder as 'corpus' | 'none',
      refreshIntervalMs: Number.MAX_SAFE_INTEGER,
      minRebuildIntervalMs: 0,
      trainIfMissing: true,
      // Each build line with its time since the import started and the memory then: the heap must stay far below
      // V8's limit, since a build streams its papers rather than holding them.
      log: (m) => {
        const { heapUsed, rss } = process.memoryUsage();
        console.log(`  [${((performance.now() - started) / 1000).toFixed(0)} s, heap ${mb(heapUsed)} MB, rss ${mb(rss)} MB] ${m}`);
      },
    });
    const indexing = performance.now();
    await service.rebuild();
    const result = await service.search('quantum chromodynamics photon pairs', { mode: 'hybrid', limit: 10 });
    const indexS = (performance.now() - indexing) / 1000;
    const totalS = (performance.now() - started) / 1000;
    console.log(`index: ${indexS.toFixed(1)} s to the first hybrid answer (${result.total} matches; semantic ${service.status()?.semantic ? 'on' : 'off'})`);
    console.log(
      `cold start to a searchable site: ${totalS.toFixed(1)} s for ${n.toLocaleString('en-US')} papers (import ${importS.toFixed(1)} s + index ${indexS.toFixed(1)} s)`,
    );
    await service.close();
  } finally {
    await database.close();
  }
  console.log(`\nreproduce: npm run bench -- kaggle-cold-start --records ${n} --embedder ${values.embedder}`);
}
