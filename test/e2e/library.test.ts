// Saving, voting from a list and making a collection as people do it, in a real Chromium against a real
// `paperfeed serve`: with JavaScript the buttons change in place (no reload), without it the forms come back to the
// same card; a collection is made from a paper page, annotated, filled and reordered. Every page passes axe-core and
// nothing breaks the CSP.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { upsertDailyEntries, upsertPapers } from '../../src/db/papers.ts';
import { createUser, setPasswordHash, type User } from '../../src/db/users.ts';
import { hashPassword } from '../../src/domain/credentials.ts';
import { axeViolations, hasChromium, launchChromium } from '../helpers/browser.ts';
import { startServer, type RunningServer } from '../helpers/community.ts';
import { daysAgo, makeDailyEntry, makePaper } from '../helpers/factory.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const PASSWORD = 'correct horse battery staple';
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const DAY = daysAgo(1).slice(0, 10);
const IDS = ['2601.00301', '2601.00302', '2601.00303', '2601.00304'];
const TITLES = ['Sparse attention for long documents', 'Retrieval that <b>cites</b> its sources', 'Small models, big data', 'Calibrated uncertainty in vision'];

let database: TestDatabase;
let server: RunningServer;
let browser: Browser;
let ada: User;
const problems: string[] = [];

async function signedIn(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  await page.goto('/signin');
  const form = page.locator('form[action="/signin/password"]');
  await form.locator('input[name=email]').fill('ada@example.org');
  await form.locator('input[name=password]').fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), form.locator('button').click()]);
  return page;
}

const card = (page: Page, id: string) => page.locator(`#card-${id.replace('.', '-')}`);
const saves = () => database.db.selectFrom('library_items').select('paper_id').where('user_id', '=', ada.id).execute();
const votes = (paperId: string) => database.db.selectFrom('votes').select('user_id').where('paper_id', '=', paperId).execute();

describe.skipIf(!hasChromium)('library, votes and collections in Chromium', () => {
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    await upsertPapers(
      database,
      IDS.map((id, i) => makePaper({ id, title: TITLES[i], submittedAt: `${DAY}T0${i}:00:00Z` })),
    );
    await upsertDailyEntries(
      database,
      IDS.map((id, i) => makeDailyEntry({ paperId: id, day: DAY, upvotes: 20 - i })),
    );
    ada = await createUser(database, { email: 'ada@example.org', username: 'ada' });
    await setPasswordHash(database, ada.id, await hashPassword(PASSWORD));
    server = await startServer({ ...database.env, PAGE_CACHE_SECONDS: '0' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  it('saves and upvotes from the list in place with JavaScript, and back at the same card without it', async () => {
    const page = await signedIn();
    await page.goto('/');
    await page.evaluate(() => ((window as any).notReloaded = true));
    const target = card(page, IDS[1]);
    await target.locator('button.upvote').click();
    await expect.poll(() => target.locator('button.upvote').getAttribute('aria-pressed')).toBe('true');
    expect(await target.locator('button.upvote .count').textContent()).toBe('20');
    await target.locator('button.save').click();
    await expect.poll(() => target.locator('button.save').textContent()).toBe('Saved');
    expect(await page.evaluate(() => (window as any).notReloaded)).toBe(true);
    expect(await votes(IDS[1])).toHaveLength(1);
    expect((await saves()).map((r) => r.paper_id)).toEqual([IDS[1]]);
    // Clicking again sets the opposite state, explicitly.
    await target.locator('button.upvote').click();
    await expect.poll(() => target.locator('button.upvote').getAttribute('aria-pressed')).toBe('false');
    expect(await votes(IDS[1])).toHaveLength(0);
    expect(await axeViolations(page)).toEqual([]);

    const plain = await signedIn({ javaScriptEnabled: false });
    await plain.goto('/');
    const other = card(plain, IDS[2]);
    await Promise.all([plain.waitForURL(`**/#card-${IDS[2].replace('.', '-')}`), other.locator('button.upvote').click()]);
    expect(await card(plain, IDS[2]).locator('button.upvote').getAttribute('aria-pressed')).toBe('true');
    await Promise.all([plain.waitForURL(`**/#card-${IDS[2].replace('.', '-')}`), card(plain, IDS[2]).locator('button.save').click()]);
    expect(await card(plain, IDS[2]).locator('button.save').textContent()).toBe('Saved');
    expect(await votes(IDS[2])).toHaveLength(1);

    // When the background request fails, the script submits the form as usual and the server's answer shows.
    const failing = await signedIn();
    await failing.route('**/upvote', (route) =>
      route.request().headers().accept === 'application/json' ? route.fulfill({ status: 503, body: 'down' }) : route.continue(),
    );
    await failing.goto('/');
    await Promise.all([failing.waitForURL(`**/#card-${IDS[3].replace('.', '-')}`), card(failing, IDS[3]).locator('button.upvote').click()]);
    expect(await card(failing, IDS[3]).locator('button.upvote').getAttribute('aria-pressed')).toBe('true');
    expect(await votes(IDS[3])).toHaveLength(1);

    await page.goto('/library');
    expect(await page.locator('main').textContent()).toContain('2 saved papers');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('makes a collection from a paper page, annotates, fills and reorders it, and shares it', async () => {
    const page = await signedIn();
    await page.goto(`/papers/${IDS[0]}`);
    await Promise.all([page.waitForURL('**/collections/new?paper=*'), page.getByRole('link', { name: 'New collection with this paper' }).click()]);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Title').fill('Long context reading');
    await page.getByLabel('Description').fill('What to read before building a long-context model.');
    await Promise.all([page.waitForURL('**/collections/ada/long-context-reading-*'), page.getByRole('button', { name: 'Create collection' }).click()]);
    const collectionUrl = page.url();

    // Add two more papers from the collection page, one with a note.
    await page.getByLabel('Add a paper (arXiv id or link)').fill(`https://arxiv.org/abs/${IDS[1]}`);
    await page.locator('.manage').getByLabel('Note (optional)').fill('Read <script>alert(1)</script> this second.');
    await Promise.all([page.waitForURL(collectionUrl), page.getByRole('button', { name: 'Add paper' }).click()]);
    await page.getByLabel('Add a paper (arXiv id or link)').fill(IDS[3]);
    await Promise.all([page.waitForURL(collectionUrl), page.getByRole('button', { name: 'Add paper' }).click()]);
    // A note on the first, then move the last to the top.
    await card(page, IDS[0]).locator('summary', { hasText: 'Add a note' }).click();
    await card(page, IDS[0]).getByLabel('Note').fill('The starting point.');
    await Promise.all([page.waitForURL(collectionUrl), card(page, IDS[0]).getByRole('button', { name: 'Save note' }).click()]);
    await Promise.all([
      page.waitForURL(collectionUrl),
      card(page, IDS[3])
        .getByRole('button', { name: /Move up/ })
        .click(),
    ]);
    await Promise.all([
      page.waitForURL(collectionUrl),
      card(page, IDS[3])
        .getByRole('button', { name: /Move up/ })
        .click(),
    ]);
    const order = await page.locator('ol.papers > li.paper-card').evaluateAll((els) => els.map((e) => e.id));
    expect(order).toEqual([IDS[3], IDS[0], IDS[1]].map((id) => `card-${id.replace('.', '-')}`));
    expect(await card(page, IDS[0]).locator('.note').textContent()).toBe('The starting point.');
    expect(await card(page, IDS[1]).locator('.note').textContent()).toBe('Read <script>alert(1)</script> this second.');
    expect(await page.locator('#share-url').inputValue()).toBe(collectionUrl);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'collection-desktop.png'), fullPage: true });

    // Anyone can read it; the profile lists it.
    const visitor = await (await browser.newContext({ baseURL: server.baseUrl })).newPage();
    await visitor.goto(collectionUrl);
    expect(await visitor.locator('h1').textContent()).toBe('Long context reading');
    expect(await visitor.locator('.manage').count()).toBe(0);
    await visitor.goto('/u/ada');
    expect(await visitor.getByRole('link', { name: 'Long context reading' }).count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
