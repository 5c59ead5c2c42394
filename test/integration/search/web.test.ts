// Search through the real app on real stores (SQLite, and PostgreSQL when configured): HF-shaped API results
// with highlights, the page, similar papers, index refresh on new papers, and bad input that must never be a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPapers } from '../../../src/db/papers.ts';
import type { Paper } from '../../../src/domain/paper.ts';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../../helpers/db.ts';
import { makePaper } from '../../helpers/factory.ts';
import { errorsOf, openApiSchemas } from '../../helpers/openapi.ts';
import { testApp, type TestApp } from '../../web/server.ts';

const TOPICS = [
  ['Diffusion models for image generation', 'Denoising diffusion probabilistic models synthesise images by reversing a noising process.'],
  ['Graph neural networks for molecules', 'Message passing graph neural networks predict molecular properties of small molecules.'],
  ['Large language models reason step by step', 'Chain-of-thought prompting makes large language models such as GPT-4 solve arithmetic.'],
  ['Robot manipulation from demonstrations', 'Imitation learning trains robot policies for grasping from human demonstrations.'],
  ['Vision transformers at scale', 'Transformers applied to image patches rival convolutional networks for image recognition.'],
  ['Protein structure prediction', 'Deep networks predict protein structures from amino acid sequences with high accuracy.'],
];

function paper(i: number, overrides: Partial<Paper> = {}): Paper {
  const [title, abstract] = TOPICS[i % TOPICS.length];
  const day = `${i % 2 ? 2024 : 2025}-01-${String((i % 27) + 1).padStart(2, '0')}`;
  return makePaper({
    id: `2501.${String(10000 + i)}`,
    title: `${title} (${i})`,
    abstract: `${abstract} Variant ${i} with $\\mathcal{O}(n)$ cost.`,
    authors: [i % 2 ? 'Ada Lovelace' : 'Alan Turing', 'Grace Hopper'],
    categories: [i % 3 ? 'cs.CV' : 'cs.CL'],
    submittedAt: `${day}T00:00:00.000Z`,
    ...overrides,
  });
}

describe.each(databaseKinds)('search web (%s)', (kind) => {
  let database: TestDatabase;
  let app: TestApp['app'];
  let services: TestApp['services'];
  const get = (path: string) => app.request(path);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await upsertPapers(
      database,
      Array.from({ length: 36 }, (_, i) => paper(i)),
    );
    await upsertPapers(database, [paper(99, { title: 'Escaping <script>alert(1)</script> & friends', abstract: 'A title with markup & ampersands.' })]);
    // paper: {} keeps the app's own similar-papers wiring (the shared test helper stubs it out by default).
    ({ app, services } = await testApp(database, { env: { PAPERFEED_DATA_DIR: tempDir(), PAGE_CACHE_SECONDS: '0' }, paper: {} }));
    // Queries answer from the lexical index as soon as it exists; wait for vectors too, so every mode is ready.
    await services.search.refresh();
  });
  afterAll(async () => {
    await services.close();
    await database.drop();
  });

  it('GET /api/papers/search returns HF-shaped hits with highlightedTitle and highlightedSummary', async () => {
    const res = await get('/api/papers/search?q=diffusion%20images&limit=5');
    expect(res.status).toBe(200);
    const items = await res.json();
    expect(items.length).toBe(5);
    expect(items[0].paper.title).toMatch(/^Diffusion models/);
    expect(items[0].highlightedTitle).toContainEqual({ type: 'highlight', text: 'Diffusion' });
    expect(items[0].highlightedSummary.map((p: { text: string }) => p.text).join('')).toBe(items[0].paper.summary);
    expect(Number(res.headers.get('X-Total-Count'))).toBeGreaterThanOrEqual(6);
    // The same item as every list (numComments, thumbnail, submitter when there is one), as the document says.
    const searchItems = openApiSchemas(await (await get('/api/openapi.json')).json()).arrayOf('SearchItem');
    expect(searchItems(items), errorsOf(searchItems)).toBe(true);
    expect(items[0].numComments).toBe(0);
    expect(items[0].thumbnail).toBe(`http://paperfeed.test/papers/${items[0].paper.id}/thumbnail.png`);
  });

  it('filters by category, author and year, and pages through results', async () => {
    const cat = await (await get('/api/papers/search?q=diffusion&category=cs.CL&limit=100&mode=lexical')).json();
    expect(cat.length).toBe(6);
    for (const it of cat) expect(it.paper.categories).toContain('cs.CL');
    const au = await (await get('/api/papers/search?q=author:lovelace%20year:2024&limit=100')).json();
    expect(au.length).toBe(19); // 18 of the 36 plus paper 99
    for (const it of au) expect(it.paper.authors.map((a: { name: string }) => a.name)).toContain('Ada Lovelace');
    const p0 = await (await get('/api/papers/search?q=networks&limit=3&mode=lexical')).json();
    const p1 = await (await get('/api/papers/search?q=networks&limit=3&p=1&mode=lexical')).json();
    expect(p0.map((x: { paper: { id: string } }) => x.paper.id)).not.toEqual(p1.map((x: { paper: { id: string } }) => x.paper.id));
    const phrase = await (await get('/api/papers/search?q=%22graph%20neural%22&limit=100')).json();
    expect(phrase.length).toBe(6);
  });

  it('the search page renders highlights and escapes markup in titles', async () => {
    const res = await get('/search?q=escaping%20script');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<mark>Escaping</mark>');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;');
    expect((await get('/search')).status).toBe(200);
  });

  it('similar papers exclude the paper itself; unknown ids are 404', async () => {
    const res = await get('/api/papers/2501.10000/similar?limit=3');
    expect(res.status).toBe(200);
    const items = await res.json();
    expect(items.length).toBe(3);
    expect(items.map((i: { paper: { id: string } }) => i.paper.id)).not.toContain('2501.10000');
    // Same topic (every 6th paper) comes first.
    expect((Number(items[0].paper.id.slice(5)) - 10000) % 6).toBe(0);
    const similar = openApiSchemas(await (await get('/api/openapi.json')).json()).arrayOf('SimilarItem');
    expect(similar(items), errorsOf(similar)).toBe(true);
    expect((await get('/api/papers/2501.99999/similar')).status).toBe(404);
    expect((await get('/api/papers/2501.10000/similar?limit=0')).status).toBe(400);
  });

  it('the paper page lists similar papers from search once the index is built', async () => {
    const html = await (await get('/papers/2501.10001')).text();
    const section = html.slice(html.indexOf('id="similar"'));
    expect(section).toContain('/papers/2501.10007');
    expect(section).not.toContain('once the search index is built');
  });

  it('picks up new papers on refresh', async () => {
    await upsertPapers(database, [paper(200, { title: 'Quantum annealing schedules', abstract: 'Annealing on quantum hardware.' })]);
    const service = services.search;
    await service.refresh();
    const r = await service.search('quantum annealing', { mode: 'lexical' });
    expect(r.hits[0]?.id).toBe('2501.10200');
  });

  it('words nobody used find nothing, in every mode', async () => {
    for (const mode of ['hybrid', 'semantic', 'lexical']) {
      const items = await (await get(`/api/papers/search?q=qwertyuiop%20zxcvbnm&mode=${mode}`)).json();
      expect(items, mode).toEqual([]);
    }
  });

  const badQueries: [string, string][] = [
    ['empty', ''],
    ['only spaces', '%20%20%20'],
    ['10 kB query', encodeURIComponent('neural '.repeat(1_430))],
    ['unbalanced quotes', encodeURIComponent('"graph neural')],
    ['FTS operators', encodeURIComponent('NEAR(graph neural, 3) AND mol* OR NOT x^2 {a b}')],
    ['control characters', encodeURIComponent('graph\u0000\u0001\u001b[31m\u007f')],
    ['SQL fragments', encodeURIComponent("'; DROP TABLE papers; -- ) UNION SELECT * FROM users")],
    ['lone surrogate', '%ED%A0%80abc'],
    ['field syntax garbage', encodeURIComponent('author: category:: year:99999-1 cat:"')],
    ['LaTeX', encodeURIComponent('$\\mathcal{O}(n^2)$ \\frac{a}{b}')],
  ];
  it.each(badQueries)('never a 500: %s', async (_name, q) => {
    for (const path of [`/api/papers/search?q=${q}`, `/search?q=${q}`, `/api/papers/search?q=${q}&mode=semantic`, `/api/papers/search?q=${q}&sort=date`]) {
      const res = await get(path);
      expect(res.status, path).toBeLessThan(500);
      // The API declares q required: a blank one is a 400 bad_query; the page shows its empty form.
      const blank = new URLSearchParams(`q=${q}`).get('q')!.trim() === '';
      expect(res.status, path).toBe(blank && path.startsWith('/api/') ? 400 : 200);
      if (res.status === 400) expect((await res.json()).error.code).toBe('bad_query');
    }
  });

  it('answers 400 with a reason for invalid parameters', async () => {
    for (const path of [
      `/api/papers/search?q=${'a'.repeat(20_001)}`,
      '/api/papers/search?q=x&limit=1000',
      '/api/papers/search?q=x&sort=sideways',
      '/api/papers/search?q=x&mode=psychic',
      '/api/papers/search?q=x&category=%3Cscript%3E',
      '/api/papers/search?q=x&yearFrom=abc',
      '/api/papers/search?q=x&p=-1',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe('bad_query');
    }
  });
});
