// `paperfeed index` on a real store: builds the index, trains and saves the corpus embedder, caches vectors,
// and derives keyphrases and TL;DRs once per paper text (imported keywords and summaries are preferred).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPaper, upsertDailyEntries, upsertPapers } from '../../../src/db/papers.ts';
import type { Paper } from '../../../src/domain/paper.ts';
import { main } from '../../../src/main.ts';
import { buildLexicalIndex } from '../../../src/search/lexical/index.ts';
import { indexStatistics, keyphrases } from '../../../src/search/keyphrases.ts';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../../helpers/db.ts';
import { makeDailyEntry, makePaper } from '../../helpers/factory.ts';

const TOPICS = [
  ['Diffusion models for image synthesis', 'Score-based diffusion models synthesise images; classifier-free guidance trades diversity for fidelity.'],
  ['Graph neural networks for molecules', 'Message passing graph neural networks predict molecular properties.'],
  ['Speculative decoding for language models', 'Speculative decoding accelerates language model inference with a draft model.'],
];

function paper(i: number): Paper {
  const [title, abstract] = TOPICS[i % TOPICS.length];
  return makePaper({ id: `2502.${String(20000 + i)}`, title, abstract: `${abstract} Study ${i}.`, categories: ['cs.LG'], announcedOn: '2025-02-03' });
}

describe('keyphrases', () => {
  it('prefers distinctive phrases in their original spelling', () => {
    const docs = Array.from({ length: 30 }, (_, i) => ({ title: TOPICS[i % 3][0], abstract: TOPICS[i % 3][1], authors: [], categories: [] }));
    const index = buildLexicalIndex(docs);
    const k = keyphrases(indexStatistics(index), TOPICS[2][0], TOPICS[2][1]);
    expect(k.length).toBeGreaterThan(0);
    expect(k.length).toBeLessThanOrEqual(5);
    expect(k.some((p) => /speculative decoding/i.test(p))).toBe(true);
    expect(k.every((p) => !/\b(for|with|a)\b/.test(p))).toBe(true);
  });
});

describe.each(databaseKinds)('paperfeed index (%s)', (kind) => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    dataDir = database.env.PAPERFEED_DATA_DIR ?? tempDir('pf-index-');
    await upsertPapers(
      database,
      Array.from({ length: 30 }, (_, i) => paper(i)),
    );
    await upsertDailyEntries(database, [
      makeDailyEntry({ paperId: '2502.20000', day: '2025-02-03', upvotes: 1, keywords: ['imported keyword'], aiSummary: 'An imported summary.' }),
    ]);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('builds, trains, caches and derives keyphrases and TL;DRs', async () => {
    let out = '';
    const io = {
      stdout: { write: (s: string) => ((out += s), true) } as never,
      stderr: { write: () => true } as never,
      env: { ...database.env, PAPERFEED_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    };
    expect(await main(['index'], io)).toBe(0);
    expect(out).toMatch(/indexed 30 papers/);
    expect(out).toMatch(/embedder: corpus-lsa-/);
    expect(out).toMatch(/keyphrases and TL;DRs derived for 30 papers/);
    for (const f of ['corpus-model.bin', 'vectors.bin']) expect(fs.existsSync(path.join(dataDir, 'search', f))).toBe(true);
    // Imported keywords and summary win over derived ones.
    expect(await getPaper(database, '2502.20000')).toMatchObject({
      keywords: ['imported keyword'],
      keywordsExtracted: false,
      aiSummary: 'An imported summary.',
      tldr: null,
    });
    const derived = (await getPaper(database, '2502.20002'))!;
    expect(derived.keywordsExtracted).toBe(true);
    expect(derived.keywords.join(' | ')).toMatch(/speculative decoding/i);
    expect(derived.tldr).toBe('Speculative decoding accelerates language model inference with a draft model.');
    // A second run reuses the saved model and vectors and derives nothing: the papers have not changed.
    out = '';
    expect(await main(['index'], io)).toBe(0);
    expect(out).not.toMatch(/trained/);
    expect(out).not.toMatch(/embedded/);
    expect(out).not.toMatch(/derived/);
    expect(await main(['index', '--bogus'], io)).toBe(2);
  });
});
