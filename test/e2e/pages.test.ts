// The pages in a real Chromium (Debian's, driven by playwright-core): moving across days, weeks and months,
// the date picker with and without JavaScript, paging, opening a paper, following a feed link, keyboard use,
// axe-core accessibility checks, the JavaScript budget, CSP cleanliness, and screenshots at 1280 and 360 px.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { FIXED_NOW, seedFixtures, XSS_ID } from '../web/fixtures.ts';
import { startTestServer, type TestServer } from '../web/server.ts';
import { runJob } from '../../src/jobs/runner.ts';
import { findJob } from '../../src/jobs/schedule.ts';
import { freePort } from '../helpers/community.ts';
import { harvestConfig } from '../helpers/harvest-fixtures.ts';
import { testServices } from '../helpers/services.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const AXE = fs.readFileSync(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
const cspViolations: string[] = [];

async function open(url: string, options: { width?: number; javaScript?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, javaScriptEnabled: options.javaScript ?? true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  await page.goto(server.url + url);
  return page;
}

async function axeViolations(page: Page): Promise<string[]> {
  // Injected through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join('; ')})`);
}

async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

describe.skipIf(!hasChromium)('pages in Chromium', () => {
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await seedFixtures(db);
    // A fixed "today" (2025-06-07, which has no papers) makes the home page fall back to 2025-06-06.
    server = await startTestServer(db, { now: FIXED_NOW, env: { BASE_URL: 'http://127.0.0.1' } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  it('moves across days, weeks and months from the home page', async () => {
    const page = await open('/');
    expect((await page.locator('h1').innerText()).trim()).toBe('Daily Papers · Friday, 6 June 2025');
    expect((await page.locator('.kind').innerText()).trim()).toBe('Community picks');
    await screenshot(page, 'home-desktop');

    await page.click('a[rel=prev]:has-text("Previous day")');
    await page.waitForURL('**/papers/date/2025-06-05');
    // Nobody submitted papers that day: the page says it lists arXiv's announcements instead.
    expect((await page.locator('.kind').innerText()).trim()).toBe('arXiv announcements');
    expect(await page.locator('ol.papers > li').count()).toBe(5);
    expect(await page.locator('a[rel=next]:has-text("Next day")').getAttribute('href')).toBe('/papers/date/2025-06-06');

    await page.click('nav.tabs a:has-text("Week")');
    await page.waitForURL('**/papers/week/2025-W23');
    expect(await page.locator('h1').innerText()).toContain('Week 23 of 2025 (2–8 June)');
    await page.click('a[rel=prev]:has-text("Previous week")');
    await page.waitForURL('**/papers/week/2025-W22');
    await page.click('a[rel=next]:has-text("Next week")');
    await page.waitForURL('**/papers/week/2025-W23');
    await screenshot(page, 'week-desktop');

    await page.click('nav.tabs a:has-text("Month")');
    await page.waitForURL('**/papers/month/2025-06');
    expect(await page.locator('h1').innerText()).toContain('June 2025');
    await page.click('a[rel=prev]:has-text("Previous month")');
    await page.waitForURL('**/papers/month/2025-05');
    expect(await page.locator('main').innerText()).toContain('Nothing was announced or stored for May 2025.');
    await page.click('.nearest a:has-text("Monday, 2 June 2025")');
    await page.waitForURL('**/papers/date/2025-06-02');
    await page.context().close();
  });

  it('jumps to a date with the picker, with and without JavaScript', async () => {
    for (const javaScript of [true, false]) {
      const page = await open('/papers/date/2025-06-06', { javaScript });
      await page.fill('#period-picker', '2025-06-02');
      await page.click('form[data-autosubmit] button[type=submit]');
      await page.waitForURL('**/papers/date/2025-06-02');
      expect(await page.locator('h1').innerText()).toContain('2 June 2025');
      await page.context().close();
    }
  });

  it('pages through a long list and filters by category', async () => {
    const page = await open('/papers/date/2025-06-03');
    expect(await page.locator('ol.papers > li').count()).toBe(30);
    expect(await page.locator('.pager').innerText()).toContain('Page 1 of 2');
    await page.click('a[rel=next]:has-text("Next page")');
    await page.waitForURL('**/papers/date/2025-06-03?p=1');
    expect(await page.locator('ol.papers > li').count()).toBe(5);
    await page.click('a[rel=prev]:has-text("Previous page")');
    await page.waitForURL('**/papers/date/2025-06-03');

    await page.click('.chips a:has-text("cs.CL")');
    await page.waitForURL('**/papers/date/2025-06-03?category=cs.CL');
    const metas = await page.locator('ol.papers .meta').allTextContents();
    expect(metas.length).toBeGreaterThan(0);
    for (const m of metas) expect(m).toContain('cs.CL');
    await page.context().close();
  });

  it('opens a paper, renders its math and offers BibTeX with a working copy button', async () => {
    const page = await open('/');
    const first = page.locator('ol.papers > li h3 a').first();
    const title = (await first.textContent())!.trim();
    await first.click();
    await page.waitForURL(/\/papers\/2506\.\d+$/);
    expect((await page.locator('h1').innerText()).trim()).toBe(title);
    expect(await page.locator('a:has-text("PDF")').getAttribute('href')).toMatch(/arxiv\.org\/pdf\//);
    expect(await page.locator('#bibtex').innerText()).toContain('@misc{');
    const copy = page.locator('button[data-copy=bibtex]');
    expect(await copy.isVisible()).toBe(true);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await copy.click();
    await page.waitForFunction(() => /Copied|Selected/.test(document.querySelector('button[data-copy=bibtex]')?.textContent ?? ''));
    expect(await copy.innerText()).toMatch(/Copied|Selected/);

    const xss = await open(`/papers/${XSS_ID}`);
    // The title's <script> is text, not an element; the abstract's $…$ became MathML.
    expect(await xss.locator('script:not([src]):not([type="application/ld+json"])').count()).toBe(0);
    expect(await xss.locator('h1').innerText()).toContain('<script>alert("title")</script>');
    expect(await xss.locator('.abstract math').count()).toBe(2);
    await screenshot(xss, 'paper-desktop');
    await page.context().close();
    await xss.context().close();
  });

  it('reads TeX in card summaries and on the paper page, never showing it raw', async () => {
    const page = await open('/papers/date/2025-06-02');
    const card = page.locator('ol.papers > li', { has: page.locator('a[href="/papers/2506.02000"]') });
    const summary = await card.locator('.summary').innerText();
    expect(summary).toBe('We release MiMo-VL-Miloco-7B, which is 15% more accurate than prior models.');
    await page.click('a[href="/papers/2506.02000"]');
    await page.waitForURL('**/papers/2506.02000');
    const abstract = await page.locator('.abstract').innerText();
    expect(abstract).toContain('15% more accurate');
    expect(abstract).not.toMatch(/\\(textbf|emph|%)/);
    await page.context().close();
  });

  it('shows comments written here apart from those Hugging Face counted', async () => {
    // The fixture entry of XSS_ID carries 3 comments counted on Hugging Face, and nobody has commented here.
    const page = await open('/papers/date/2025-06-06');
    const meta = await page
      .locator('ol.papers > li', { has: page.locator(`a[href="/papers/${XSS_ID}"]`) })
      .locator('.meta')
      .innerText();
    expect(meta).toContain('0 comments · 3 on Hugging Face');
    expect(await page.locator(`a[href="https://huggingface.co/papers/${XSS_ID}#community"]`).count()).toBe(1);
    await page.goto(`${server.url}/papers/${XSS_ID}`);
    const main = await page.locator('main').innerText();
    expect(main).toContain('3 on Hugging Face');
    expect(main).not.toMatch(/\b3 comments\b/);
    await page.context().close();
  });

  it('explains each trending score with numbers that add up, age factor included', async () => {
    const page = await open('/papers/trending');
    const lines = await page.locator('ol.papers .why').allInnerTexts();
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const m =
        /^Score ([\d.e+-]+) = \((\d+) upvotes?((?: \+ [\d.]+ from [^+)]+)*)\) ÷ ([\d.]+), the age factor of [^:]+: \(([\d.]+) h \+ (\d+) h\)\s*([\d.]+)$/.exec(
          line.trim(),
        );
      expect(m, line).not.toBeNull();
      const [, score, upvotes, extras, factor, ageHours, offset, gravity] = m!;
      const attention = Number(upvotes) + [...extras.matchAll(/\+ ([\d.]+) from/g)].reduce((sum, x) => sum + Number(x[1]), 0);
      expect(Number(factor), line).toBeCloseTo((Number(ageHours) + Number(offset)) ** Number(gravity), 0);
      // Each shown figure is rounded (3 significant digits for the score, 2 decimals for the parts).
      expect(Math.abs(attention / Number(factor) - Number(score)) / Math.max(Number(score), 1e-9), line).toBeLessThan(0.01);
    }
    await page.context().close();
  });

  it('links feeds from the page, and the linked feed is served', async () => {
    const page = await open('/papers/trending');
    const href = await page.locator('link[rel=alternate][type="application/rss+xml"]').getAttribute('href');
    expect(href).toBe('/papers/trending/rss.xml');
    const response = await page.request.get(server.url + href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/rss+xml');
    expect(await response.text()).toContain('<rss version="2.0"');
    // The visible link in the page leads to the same place.
    await page.click('.feeds a:has-text("RSS")');
    await screenshot(await open('/papers/trending'), 'trending-desktop');
    await page.context().close();
  });

  it('is keyboard navigable: the first Tab reaches the skip link, which moves focus to the content', async () => {
    const page = await open('/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    await page.keyboard.press('Enter');
    // Following the link is asynchronous: wait for it rather than read the URL at once (a race under load).
    await page.waitForURL(/#content$/, { timeout: 5_000 });
    expect(page.url()).toMatch(/#content$/);
    await page.keyboard.press('Tab');
    // Focus continues inside the main content, on a visible element.
    expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
    await page.context().close();
  });

  it('has no axe-core violations on the main pages, at desktop and mobile widths', async () => {
    for (const width of [1280, 360]) {
      for (const url of [
        '/',
        '/papers/date/2025-06-05',
        '/papers/date/2025-06-07',
        '/papers/week/2025-W23',
        '/papers/month/2025-06',
        '/papers/trending',
        `/papers/${XSS_ID}`,
        '/feeds',
        '/subscribe',
      ]) {
        const page = await open(url, { width });
        expect(await axeViolations(page), `${url} at ${width}px`).toEqual([]);
        await page.context().close();
      }
    }
  });

  it('fits 360 px without horizontal scrolling, in light and dark schemes', async () => {
    for (const [url, name] of [
      ['/', 'home'],
      ['/subscribe', 'subscribe'],
      ['/papers/date/2025-06-07', 'empty-day'],
      [`/papers/${XSS_ID}`, 'paper'],
      ['/papers/trending', 'trending'],
    ] as const) {
      const page = await open(url, { width: 360 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(360);
      await screenshot(page, `${name}-mobile`);
      await page.emulateMedia({ colorScheme: 'dark' });
      const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      expect(background).toBe('rgb(15, 17, 21)');
      await screenshot(page, `${name}-mobile-dark`);
      await page.context().close();
    }
  });

  it('shows the first paper within the first 300 px at 390 px wide', async () => {
    for (const url of ['/', '/papers/date/2025-06-06', '/papers/week/2025-W23', '/papers/month/2025-06', '/papers/trending']) {
      const page = await open(url, { width: 390 });
      const top = await page
        .locator('ol.papers > li')
        .first()
        .evaluate((li) => li.getBoundingClientRect().top + window.scrollY);
      expect(top, url).toBeLessThan(300);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(390);
      // The navigation is still all there: it scrolls sideways.
      expect(await page.locator('nav.main a').allTextContents(), url).toEqual([
        'Daily',
        'Weekly',
        'Monthly',
        'Trending',
        'Collections',
        'Search',
        'Submit',
        'Sign in',
      ]);
      if (url === '/') await screenshot(page, 'home-390');
      await page.context().close();
    }
  });

  it("puts radio buttons and checkboxes on their label's line, before the text, on /subscribe at 360 px", async () => {
    const page = await open('/subscribe', { width: 360 });
    const boxes = await page
      .locator('form.digest-form label:has(> input[type=radio]), form.digest-form label:has(> input[type=checkbox])')
      .evaluateAll((labels) =>
        labels.map((label) => {
          const input = label.querySelector('input')!.getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(label);
          range.setStartAfter(label.querySelector('input')!);
          const text = range.getBoundingClientRect();
          return { label: label.textContent!.trim(), dy: Math.abs(input.top + input.height / 2 - (text.top + text.height / 2)), gap: text.left - input.right };
        }),
      );
    expect(boxes.length).toBeGreaterThanOrEqual(4);
    for (const b of boxes) {
      expect(b.dy, b.label).toBeLessThan(4);
      expect(b.gap, b.label).toBeGreaterThanOrEqual(0);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, 'subscribe-360');
    await page.context().close();
  });

  it("remembers the colour scheme a visitor picks, over the system's", async () => {
    const page = await open('/', { width: 1280 });
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const toggle = page.locator('button[data-theme-toggle]');
    expect(await toggle.innerText()).toContain('Auto');
    expect(await background()).toBe('rgb(15, 17, 21)');
    await toggle.click();
    expect(await toggle.innerText()).toContain('Light');
    expect(await background()).toBe('rgb(255, 255, 255)');
    // Another page of the site, in the same browser: still light against a dark system.
    await page.goto(server.url + '/papers/trending');
    expect(await background()).toBe('rgb(255, 255, 255)');
    await toggle.click();
    expect(await toggle.innerText()).toContain('Dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe('rgb(15, 17, 21)');
    await page.reload();
    expect(await background()).toBe('rgb(15, 17, 21)');
    await screenshot(page, 'trending-dark-chosen');
    await toggle.click();
    expect(await toggle.innerText()).toContain('Auto');
    expect(await background()).toBe('rgb(255, 255, 255)');
    // Without script the button is not offered, and the system's scheme applies.
    const plain = await open('/', { javaScript: false });
    expect(await plain.locator('button[data-theme-toggle]').isVisible()).toBe(false);
    await page.context().close();
    await plain.context().close();
  });

  it('offers a day picker for weeks and months where the browser has no week or month input', async () => {
    const page = await open('/');
    // Firefox and Safari treat type=week and type=month as text: make this Chromium do the same.
    await page.addInitScript(() => {
      const native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'type')!;
      Object.defineProperty(HTMLInputElement.prototype, 'type', {
        get() {
          const t = native.get!.call(this);
          return t === 'week' || t === 'month' ? 'text' : t;
        },
        set(v) {
          native.set!.call(this, v);
        },
      });
    });
    for (const [url, target] of [
      ['/papers/week/2025-W22', '**/papers/week/2025-W23'],
      ['/papers/month/2025-05', '**/papers/month/2025-06'],
    ] as const) {
      await page.goto(server.url + url);
      const picker = page.locator('#period-picker');
      expect(await picker.getAttribute('type')).toBe('date');
      expect(await picker.getAttribute('name')).toBe('date');
      await picker.fill('2025-06-04');
      await page.waitForURL(target);
    }
    // Without script, the text field says which format it wants.
    const plain = await open('/papers/week/2025-W23', { javaScript: false });
    expect(await plain.locator('#period-picker').getAttribute('placeholder')).toContain('2025-W23');
    expect(await plain.locator('#period-picker').getAttribute('pattern')).toBe('[0-9]{4}-W[0-9]{2}');
    await page.context().close();
    await plain.context().close();
  });

  it('answers a future day with a 404 page, and an empty day with the nearest days that have papers', async () => {
    const page = await open('/papers/date/2025-06-07');
    expect(await page.locator('main').innerText()).toContain('arXiv announces no papers on weekends.');
    await screenshot(page, 'empty-day-desktop');
    await page.click('.nearest a');
    await page.waitForURL('**/papers/date/2025-06-06');
    const response = await page.goto(server.url + '/papers/date/2025-06-08');
    expect(response?.status()).toBe(404);
    expect(await page.locator('main').innerText()).toContain('Sunday, 8 June 2025 is in the future');
    await screenshot(page, 'future-day-desktop');
    await page.context().close();
  });

  it('loads under 30 kB of JavaScript, none of it render-blocking, with no CSP violations', async () => {
    const page = await open('/');
    const scripts = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]')).map((s) => ({
        src: s.src,
        type: s.getAttribute('type'),
        async: s.async,
        defer: s.defer,
      })),
    );
    let bytes = 0;
    for (const s of scripts) {
      // Module scripts are deferred by definition; classic scripts would need defer or async.
      expect(s.type === 'module' || s.defer || s.async, s.src).toBe(true);
      bytes += (await (await page.request.get(s.src)).body()).length;
    }
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(30 * 1024);
    expect(cspViolations).toEqual([]);
    await page.context().close();
  });
});

describe.skipIf(!hasChromium)('an empty store that cannot reach arXiv, in Chromium', () => {
  it('says on the home page that harvesting fails, why, when it tries next, and how to import', async () => {
    const empty = await createTestDatabase('sqlite');
    // A real harvest run against a port nobody listens on: it fails as it would with arXiv out of reach.
    const closed = `http://127.0.0.1:${await freePort()}`;
    const services = await testServices(harvestConfig(closed, { ...empty.env, ARXIV_CATEGORIES: 'cs.AI' }), empty);
    const outcome = await runJob(services, { job: findJob('harvest-listing')!, slot: 'manual:1', trigger: 'manual', holder: 'test' });
    await services.close();
    expect(outcome.status).toBe('failed');
    const site = await startTestServer(empty, { env: { JOB_RETRY_BASE_MS: '60000' } });
    const chromium = await launchChromium();
    try {
      const page = await (await chromium.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await page.goto(site.url + '/');
      const notice = await page.locator('section.notice').innerText();
      expect(notice).toContain('No papers here yet.');
      expect(notice).toMatch(/The last harvest failed \([^)]+\): .*(ECONNREFUSED|connect|reach)/i);
      expect(notice).toMatch(/Next try: (\d\d:\d\d|\w{3} \d+ \w{3}, \d\d:\d\d) UTC\./);
      expect(notice).toContain('paperfeed import');
      expect(await page.locator('main').innerText()).not.toContain('arXiv announcements');
      await page.evaluate(AXE);
      const axe = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
      expect(axe.violations.map((v: any) => v.id)).toEqual([]);
      await screenshot(page, 'home-empty-store');
    } finally {
      await chromium.close();
      await site.close();
      await empty.drop();
    }
  });
});
