// `npm run bench -- harvest [--rounds N]`: how fast an OAI-PMH harvest stores arXiv's real 3-page token
// chain (2,265 records) from a local server, against the baseline of only parsing the same pages; then a
// re-harvest of the same window (every record unchanged); then how close arXiv pacing stays to its floor
// of (N-1) × interval. Runs on SQLite, and on PostgreSQL when PAPERFEED_TEST_PG_URL is set.
import { parseArgs } from 'node:util';
import type { DatabaseKind } from '../src/db/connect.ts';
import { normalizePaper } from '../src/domain/paper.ts';
import { harvestOai } from '../src/ingest/arxiv-oai.ts';
import { parseOaiPmhResponse } from '../src/ingest/formats/oai-pmh.ts';
import { createTestDatabase, PG_URL } from '../test/helpers/db.ts';
import { SHARED } from '../test/helpers/corpus.ts';
import { harvestConfig, oaiChain, oaiHandler, sourceContext } from '../test/helpers/harvest-fixtures.ts';
import { startReplayServer } from '../test/helpers/replay-server.ts';
import { hasSharedData } from '../test/helpers/shared-data.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rounds: { type: 'string', default: '3' } } });
  const rounds = Math.max(1, Number(values.rounds));
  if (!hasSharedData) {
    console.log('../shared/data is absent: the harvest benchmark needs the recorded OAI-PMH pages.');
    return;
  }
  const chain = oaiChain(SHARED);
  const { pages } = chain;
  const records = chain.records.reduce((a, b) => a + b, 0);

  const parseMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    for (const page of pages) for (const r of parseOaiPmhResponse(page).records) if (r.paper) normalizePaper(r.paper);
    parseMs.push(performance.now() - t);
  }
  const baseline = median(parseMs);
  console.log(`baseline  parse + normalise only        ${baseline.toFixed(0).padStart(6)} ms  ${(records / (baseline / 1000)).toFixed(0)} records/s`);

  const kinds: DatabaseKind[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  for (const kind of kinds) {
    const fresh: number[] = [];
    const again: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const store = await createTestDatabase(kind);
      const server = await startReplayServer(oaiHandler(pages));
      const ctx = await sourceContext(harvestConfig(server.url, { ARXIV_CATEGORIES: 'cs.AI' }), store);
      let t = performance.now();
      await harvestOai(ctx, { from: '2023-03-07' });
      fresh.push(performance.now() - t);
      t = performance.now();
      await harvestOai(ctx, { from: '2023-03-07' });
      again.push(performance.now() - t);
      ctx.http.close();
      await ctx.close();
      await server.close();
      await store.drop();
    }
    for (const [label, ms] of [
      ['harvest, empty store', median(fresh)],
      ['re-harvest, all unchanged', median(again)],
    ] as const) {
      console.log(
        `${kind.padEnd(9)} ${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms  ${(records / (ms / 1000)).toFixed(0)} records/s  ${(ms / baseline).toFixed(1)}× the parse baseline`,
      );
    }
  }

  // Pacing: 10 requests fired at once over three arXiv "hosts" with a 100 ms interval.
  const servers = await Promise.all([0, 1, 2].map(() => startReplayServer(() => ({ status: 200, body: 'ok' }))));
  const store = await createTestDatabase('sqlite');
  const ctx = await sourceContext(harvestConfig(servers[0].url, { ARXIV_MIN_INTERVAL_MS: '100' }), store);
  const t = performance.now();
  await Promise.all(Array.from({ length: 10 }, (_, i) => ctx.http.get('arxiv', `${servers[i % 3].url}/r${i}`)));
  const elapsed = performance.now() - t;
  console.log(`pacing    10 requests, 100 ms interval    ${elapsed.toFixed(0).padStart(6)} ms  floor 900 ms  ratio ${(elapsed / 900).toFixed(2)}`);
  ctx.http.close();
  await ctx.close();
  await Promise.all(servers.map((s) => s.close()));
  await store.drop();
  console.log(`reproduce: ${PG_URL ? `PAPERFEED_TEST_PG_URL=${PG_URL} ` : ''}npm run bench -- harvest --rounds ${rounds}`);
}
