// Digest topics go through the search service, so mail and /search agree on words, stems, spellings and names:
// an interest "tumour" finds a "tumor" paper in the digest as it does in /search. Real SQLite store, real service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { upsertPapers } from '../../src/db/papers.ts';
import type { DigestPaper } from '../../src/mail/digest-content.ts';
import { DEFAULT_PREFERENCES, type Preferences } from '../../src/mail/preferences.ts';
import { selectDigest, trendingShare } from '../../src/mail/select.ts';
import { TopicIndex } from '../../src/mail/topics.ts';
import type { Services } from '../../src/services.ts';
import { createTestDatabase, tempDir, type TestDatabase } from '../helpers/db.ts';
import { makePaper } from '../helpers/factory.ts';
import { testServices } from '../helpers/services.ts';

const prefs = (p: Partial<Preferences> = {}): Preferences => ({ ...DEFAULT_PREFERENCES, ...p });

const PAPERS: [string, string, string, string[]][] = [
  ['2506.00001', 'A survey of large language models', 'We review language models.', ['cs.CL']],
  ['2506.00002', 'Diffusion models for video', 'Denoising diffusion models generate video.', ['cs.CV']],
  ['2506.00003', 'Model-based reinforcement learning', 'A model of the world.', ['cs.LG']],
  ['2506.00004', 'Speeding up diffusion sampling', 'Fewer steps for diffusion.', ['cs.CV', 'cs.LG']],
  ['2506.00005', 'Graph neural networks', 'Message passing.', ['cs.LG']],
  ['2506.00006', 'Tumor segmentation in MRI', 'Segmenting brain tumors with a U-Net.', ['eess.IV']],
  // Outside the period: never in this digest, though it matches.
  ['2506.00007', 'Diffusion models everywhere', 'Diffusion models for everything.', ['cs.LG']],
];

function digestPaper([id, title, abstract, categories]: (typeof PAPERS)[number]): DigestPaper {
  return { id, title, abstract, authors: ['A. Author'], categories, upvotes: 1, comments: 0, stars: null, codeUrl: null, score: 1, firstSeen: '2025-06-03' };
}

describe('digest topics through the search service', () => {
  let database: TestDatabase;
  let index: TopicIndex;
  const period = PAPERS.slice(0, 6).map(digestPaper);
  let services: Services;
  let search: Services['search'];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    await upsertPapers(
      database,
      PAPERS.map(([id, title, abstract, categories]) => makePaper({ id, title, abstract, categories })),
    );
    // Interests are ranked lexically, as the digest job ranks them: no embedder.
    services = await testServices(loadConfig({ PAPERFEED_DATA_DIR: tempDir(), EMBEDDER: 'none' }), database);
    search = services.search;
    index = new TopicIndex(period, search);
    await index.prepare(['diffusion models', 'diffusion', 'quantum chromodynamics', 'tumour', 'difusion models']);
  });
  afterAll(async () => {
    await services?.close();
    await database?.drop();
  });

  it('matches interests by all their words (two-word interests) within the period, and categories in trending order', () => {
    expect(index.interest('diffusion models').map((p) => p.id)).toEqual(['2506.00002']);
    expect(
      index
        .interest('diffusion')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['2506.00002', '2506.00004']);
    expect(index.interest('quantum chromodynamics')).toEqual([]);
    expect(index.category('cs.LG').map((p) => p.id)).toEqual(['2506.00003', '2506.00004', '2506.00005']);
    // Not prepared: nothing (a digest prepares every interest it shows).
    expect(index.interest('graph neural networks')).toEqual([]);
  });

  it('agrees with /search on spellings: "tumour" finds the tumor paper, a misspelt interest is corrected', async () => {
    expect(index.interest('tumour').map((p) => p.id)).toEqual(['2506.00006']);
    const [fromSearch] = (await search.search('tumour', { mode: 'lexical' })).hits;
    expect(fromSearch.id).toBe('2506.00006');
    expect(index.interest('difusion models').map((p) => p.id)).toEqual(['2506.00002']);
  });

  it('fills topic sections first, never repeats a paper, and gives unfilled slots to trending', () => {
    expect(trendingShare(10, 0)).toBe(10);
    expect(trendingShare(10, 2)).toBe(3);
    const sections = selectDigest(period, index, prefs({ paperCount: 5, categories: ['cs.CV'], interests: ['diffusion'] }));
    const ids = sections.flatMap((s) => s.papers.map((p) => p.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(5);
    expect(sections[0].title).toBe('Trending');
    expect(sections.find((s) => s.title === 'cs.CV')?.papers.every((p) => p.categories.includes('cs.CV'))).toBe(true);
    const none = selectDigest(period, index, prefs({ paperCount: 4, interests: ['quantum chromodynamics'] }));
    // A topic nothing matched keeps an empty section, which the digest shows as "no paper matched".
    expect(none.map((s) => [s.title, s.papers.length])).toEqual([
      ['Trending', 4],
      ['quantum chromodynamics', 0],
    ]);
  });
});
