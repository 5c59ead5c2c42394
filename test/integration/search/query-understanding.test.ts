// What the search service returns for the lookups researchers make most, on real stores (SQLite, and PostgreSQL
// when configured): an arXiv id in any form puts that paper first (or says it is not stored), a full name lists
// that author's papers and is reported with its paper count, and a misspelt query is corrected and reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { upsertPapers } from '../../../src/db/papers.ts';
import type { Paper } from '../../../src/domain/paper.ts';
import type { Services } from '../../../src/services.ts';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../../helpers/db.ts';
import { makePaper } from '../../helpers/factory.ts';
import { testServices } from '../../helpers/services.ts';

const paper = (id: string, fields: Partial<Paper>) => makePaper({ id, ...fields });

describe.each(databaseKinds)('search service: ids, names, spelling (%s)', (kind) => {
  let database: TestDatabase;
  let services: Services;
  let search: Services['search'];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const papers = [
      paper('2506.00338', {
        title: 'Joint embedding predictive architectures',
        abstract: 'Self-supervised learning without pixels.',
        authors: ['Mahmoud Assran', 'Yann LeCun'],
      }),
      paper('2506.00339', { title: 'World models for planning', abstract: 'Energy-based world models.', authors: ['Y. LeCun'] }),
      paper('2506.00340', {
        title: 'Yann convolutional networks',
        abstract: 'We revisit convolutional networks as introduced by LeCun.',
        authors: ['Rui Yann'],
      }),
      paper('math/0101001', { title: 'Moduli of curves', abstract: 'Stacks of curves.', authors: ['Ada Lovelace'] }),
      paper('2506.00341', { title: 'Hidden paper', abstract: 'Hidden.', authors: ['Ada Lovelace'] }),
    ];
    for (let i = 0; i < 12; i++) {
      papers.push(
        paper(`2505.${String(10000 + i)}`, {
          title: `Transformer models for retrieval ${i}`,
          abstract: 'Retrieval augmented generation with a transformer.',
          authors: ['Grace Hopper'],
        }),
      );
    }
    await upsertPapers(database, papers);
    await database.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2506.00341').execute();
    services = await testServices(loadConfig({ PAPERFEED_DATA_DIR: tempDir(), EMBEDDER: 'none' }), database);
    search = services.search;
  });
  afterAll(async () => {
    await services?.close();
    await database?.drop();
  });

  it.each([
    '2506.00338',
    '2506.00338v1',
    'arXiv:2506.00338',
    'https://arxiv.org/abs/2506.00338v1',
    'https://arxiv.org/pdf/2506.00338v2.pdf',
    'arxiv.org/html/2506.00338v1',
    'https://huggingface.co/papers/2506.00338',
    'https://www.alphaxiv.org/overview/2506.00338',
    '10.48550/arXiv.2506.00338',
    'https://doi.org/10.48550/arXiv.2506.00338',
  ])('puts the paper an id names first: %s', async (query) => {
    const result = await search.search(query);
    expect(result.knownItem).toMatchObject({ id: '2506.00338', stored: true });
    expect(result.hits.map((h) => h.id)).toEqual(['2506.00338']);
    expect(result.total).toBe(1);
    expect(result.hits[0].snippet).toContain('Self-supervised');
  });

  it('pages a known item like any result: one paper, on the first page only', async () => {
    expect(await search.search('2506.00338', { offset: 20 })).toMatchObject({ total: 1, hits: [], knownItem: { stored: true } });
  });

  it('finds an old-style id with a subject class under the id arXiv stores', async () => {
    const result = await search.search('math.AG/0101001v2');
    expect(result.knownItem).toEqual({ id: 'math/0101001', version: 2, stored: true });
    expect(result.hits.map((h) => h.id)).toEqual(['math/0101001']);
  });

  it('says an id is not stored (a hidden paper included), with no hits', async () => {
    for (const [query, id] of [
      ['2506.99999', '2506.99999'],
      ['https://arxiv.org/abs/2506.00341', '2506.00341'],
    ]) {
      const result = await search.search(query);
      expect(result).toMatchObject({ total: 0, hits: [], knownItem: { id, version: null, stored: false }, spelling: null, authors: [] });
    }
  });

  it('lists a named author first and reports the name as the papers write it, with a paper count', async () => {
    const result = await search.search('yann lecun', { mode: 'lexical' });
    expect(result.hits.slice(0, 2).map((h) => h.id)).toEqual(['2506.00339', '2506.00338']);
    expect(result.authors).toEqual([{ name: 'Yann LeCun', typed: 'yann lecun', papers: 2, query: 'author:"Yann LeCun"' }]);
    const listed = await search.search(result.authors[0].query, { mode: 'lexical' });
    expect(listed.hits.map((h) => h.id).sort()).toEqual(['2506.00338', '2506.00339']);
  });

  it('corrects a misspelt query, reports it, and searches as typed when told to', async () => {
    const corrected = await search.search('tranformer retreival', { mode: 'lexical' });
    expect(corrected.spelling).toEqual({
      original: 'tranformer retreival',
      corrected: 'transformer retrieval',
      applied: true,
      words: [
        { from: 'tranformer', to: 'transformer' },
        { from: 'retreival', to: 'retrieval' },
      ],
    });
    expect(corrected.hits.length).toBeGreaterThan(0);
    expect(corrected.parsed.terms).toEqual(['transform', 'retriev']);
    const asTyped = await search.search('tranformer retreival', { mode: 'lexical', correctSpelling: false });
    expect(asTyped.spelling).toMatchObject({ corrected: 'transformer retrieval', applied: false });
    expect(asTyped.hits).toEqual([]);
  });

  it('restricts a search to given papers (digests)', async () => {
    const result = await search.search('transformer', { mode: 'lexical', filters: { ids: ['2505.10003', '2505.10005', 'unknown'] } });
    expect(result.hits.map((h) => h.id).sort()).toEqual(['2505.10003', '2505.10005']);
  });
});
