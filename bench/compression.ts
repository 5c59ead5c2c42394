// Response compression settings (src/web/http/compression.ts) on real API bodies: the Hugging Face daily-papers
// responses in ../shared/data, which have the size and shape of our /api/daily_papers answers. The baseline is
// gzip at zlib's default level 6, measured in the same run; brotli at quality 4, 5 (what the server uses) and 11.
// Each body is compressed repeatedly and the fastest time kept, so a busy machine disturbs the ratios less.
//
//   npm run bench -- compression [--days 30]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';

const DAYS = path.resolve(import.meta.dirname, '../../shared/data/hf-daily-papers-api/days');
const REPEATS = 5;

const brotli = (quality: number) => (body: Buffer) =>
  zlib.brotliCompressSync(body, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
  });

const SETTINGS: [string, (body: Buffer) => Buffer][] = [
  ['gzip level 6 (baseline)', (body) => zlib.gzipSync(body)],
  ['brotli quality 4', brotli(4)],
  ['brotli quality 5 (served)', brotli(5)],
  ['brotli quality 11', brotli(11)],
];

function fastest(compress: (body: Buffer) => Buffer, body: Buffer): { bytes: number; ms: number } {
  let ms = Infinity;
  let bytes = 0;
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    bytes = compress(body).length;
    ms = Math.min(ms, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { bytes, ms };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { days: { type: 'string', default: '30' } } });
  if (!fs.existsSync(DAYS)) throw new Error(`${DAYS} is missing: this benchmark needs ../shared/data`);
  // The latest days: the current shape of the items.
  const files = fs
    .readdirSync(DAYS)
    .filter((f) => f.endsWith('.json.gz'))
    .sort()
    .slice(-Number(values.days));
  const bodies = files.map((f) => zlib.gunzipSync(fs.readFileSync(path.join(DAYS, f))));
  const identity = bodies.reduce((n, b) => n + b.length, 0);
  console.log(`${bodies.length} daily-papers responses, ${identity.toLocaleString('en')} bytes in all (${files[0]} … ${files.at(-1)})`);
  const results = SETTINGS.map(([name, compress]) => {
    const each = bodies.map((b) => fastest(compress, b));
    return { name, bytes: each.reduce((n, r) => n + r.bytes, 0), ms: each.reduce((n, r) => n + r.ms, 0) };
  });
  const [baseline] = results;
  for (const r of results) {
    console.log(
      `${r.name.padEnd(26)} ${r.bytes.toLocaleString('en').padStart(11)} bytes (${((100 * r.bytes) / identity).toFixed(1)}% of identity, ` +
        `${(r.bytes / baseline.bytes).toFixed(3)}× gzip)  ${r.ms.toFixed(1).padStart(8)} ms (${(r.ms / baseline.ms).toFixed(2)}× gzip)`,
    );
  }
  console.log('reproduce: npm run bench -- compression --days', values.days);
}
