// Claiming authorship as people do it, in a real Chromium against a real `paperfeed serve`: a person claims an
// author entry from the paper page, a moderator approves it on the desk, and the claim shows on the paper, the
// author page and the profile. Author, organisation and profile pages pass axe-core, and nothing breaks the CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { upsertPapers } from '../../src/db/papers.ts';
import { createUser, setPasswordHash } from '../../src/db/users.ts';
import { hashPassword } from '../../src/domain/credentials.ts';
import { importPaths } from '../../src/ingest/import.ts';
import { axeViolations, hasChromium, launchChromium } from '../helpers/browser.ts';
import { startServer, type RunningServer } from '../helpers/community.ts';
import { makePaper } from '../helpers/factory.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const PAPER_ID = '2601.00042';
const PASSWORD = 'correct horse battery staple';

let database: TestDatabase;
let server: RunningServer;
let browser: Browser;
const problems: string[] = [];

async function signedIn(email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseUrl });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  if (email) {
    await page.goto('/signin');
    const form = page.locator('form[action="/signin/password"]');
    await form.locator('input[name=email]').fill(email);
    await form.locator('input[name=password]').fill(PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), form.locator('button').click()]);
  }
  return page;
}

describe.skipIf(!hasChromium)('claiming authorship in Chromium', () => {
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    await importPaths(database, [fixturePath('../people')]);
    await upsertPapers(database, [makePaper({ id: PAPER_ID, title: 'A Claimable Paper', authors: ['Ada Lovelace', 'Charles Babbage'] })]);
    const hash = await hashPassword(PASSWORD);
    for (const [email, username, role] of [
      ['ada@example.org', 'ada', 'user'],
      ['mod@example.org', 'mod', 'moderator'],
    ] as const) {
      const user = await createUser(database, { email, username, role });
      await setPasswordHash(database, user.id, hash);
    }
    server = await startServer({ ...database.env, PAGE_CACHE_SECONDS: '0' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  it('a person claims an author entry, a moderator approves it, and it shows on the paper, author page and profile', async () => {
    const ada = await signedIn('ada@example.org');
    await ada.goto(`/papers/${PAPER_ID}`);
    await ada.locator('details.claim > summary').click();
    await ada.selectOption('#claim-position', { label: 'Ada Lovelace' });
    await Promise.all([ada.waitForURL(`**/papers/${PAPER_ID}#claim`), ada.locator('form[action$="/claims"] button').click()]);
    expect(await ada.locator('#claim').textContent()).toContain('waits for a moderator');
    await ada.goto('/u/ada');
    expect(await ada.locator('main').textContent()).toContain('Claims waiting for a moderator');

    const mod = await signedIn('mod@example.org');
    await mod.goto('/mod');
    const item = mod.locator('ul.claims > li', { hasText: 'A Claimable Paper' });
    expect(await item.textContent()).toContain('claims to be “Ada Lovelace”');
    await item.locator('input[name=reason]').fill('same affiliation as on the paper');
    await Promise.all([mod.waitForURL('**/mod/claims/**'), item.locator('button', { hasText: 'Approve' }).click()]);
    expect(await mod.locator('.notice').textContent()).toContain('approved');
    expect(await mod.locator('table').last().textContent()).toContain('approve_claim');

    const visitor = await signedIn('');
    await visitor.goto(`/papers/${PAPER_ID}`);
    const badge = visitor.locator('ul.authors a.claimed[href="/u/ada"]');
    expect(await badge.count()).toBe(1);
    await Promise.all([visitor.waitForURL('**/u/ada'), badge.click()]);
    expect(await visitor.locator('ol.papers').textContent()).toContain('A Claimable Paper');
    await visitor.goto('/authors/ada-lovelace');
    expect(await visitor.locator('section.claimants').textContent()).toContain('ada');
    await ada.goto(`/papers/${PAPER_ID}`);
    expect(await ada.locator('#claim').textContent()).toContain('You are listed as the author “Ada Lovelace”');

    const api = await (await fetch(`${server.baseUrl}/api/papers/${PAPER_ID}`)).json();
    expect(api.authors[0]).toMatchObject({ name: 'Ada Lovelace', status: 'claimed_verified', user: { user: 'ada' } });

    // Every avatar on these pages is drawn here and loads.
    const images = await visitor
      .locator('img.avatar')
      .evaluateAll((imgs) => imgs.map((i) => [(i as HTMLImageElement).src, (i as HTMLImageElement).naturalWidth]));
    expect(images.length).toBeGreaterThan(0);
    for (const [src, width] of images) {
      expect(String(src).startsWith(`${server.baseUrl}/avatars/`)).toBe(true);
      expect(width).toBe(64);
    }

    const violations: string[] = [];
    for (const [page, url] of [
      [visitor, `/papers/${PAPER_ID}`],
      [visitor, '/papers/2506.01001'],
      [visitor, '/authors/ada-lovelace'],
      [visitor, '/orgs/ByteDance-Seed'],
      [visitor, '/u/ada'],
      [ada, `/papers/${PAPER_ID}`],
      [ada, '/u/ada'],
      [ada, '/settings'],
      [mod, '/mod'],
    ] as const) {
      await page.goto(url);
      violations.push(...(await axeViolations(page)));
    }
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
  });
});
