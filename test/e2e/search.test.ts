// The search results page in a real Chromium on the fixture corpus: axe-clean in light and dark schemes, keyphrase
// chips apart from each other, a query box as wide as the results, highlights readable in dark mode, no sideways
// scrolling at 390 px, Enter in the query box searching, and an exact arXiv id landing on the paper.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, hasChromium, launchChromium } from '../helpers/browser.ts';
import { importCorpus } from '../helpers/corpus.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../web/server.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const QUERY = 'diffusion models';

let database: TestDatabase;
let server: TestServer;
let browser: Browser;

async function open(url: string, scheme: 'light' | 'dark', width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
  const page = await context.newPage();
  await page.goto(server.url + url);
  return page;
}

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((x) => {
      const c = Number(x) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe.skipIf(!hasChromium)('search results in Chromium', () => {
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    await importCorpus(database);
    server = await startTestServer(database, { env: { BASE_URL: 'http://127.0.0.1', PAGE_CACHE_SECONDS: '0' } });
    await server.services.search.refresh();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`is axe-clean with spaced chips, a full-width query box and readable highlights (${scheme})`, async () => {
      const page = await open(`/search?q=${encodeURIComponent(QUERY)}`, scheme);
      expect(await page.locator('ol.search-results > li.paper-card').count()).toBeGreaterThan(3);
      expect(await axeViolations(page)).toEqual([]);

      // Chips on one line never touch: each starts at least 4 px after the previous one ends.
      const chips = await page
        .locator('ul.keyphrases')
        .first()
        .locator('a')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      expect(chips.length).toBeGreaterThan(1);
      for (let i = 1; i < chips.length; i++)
        if (Math.abs(chips[i].top - chips[i - 1].top) < 2) expect(chips[i].left - chips[i - 1].right).toBeGreaterThanOrEqual(4);

      const box = await page.locator('#search-q').boundingBox();
      const results = await page.locator('ol.search-results').boundingBox();
      expect(box!.width).toBeGreaterThan(0.8 * results!.width);

      const mark = await page
        .locator('mark')
        .first()
        .evaluate((m) => {
          const s = getComputedStyle(m);
          return { bg: s.backgroundColor, fg: s.color };
        });
      expect(mark.bg).not.toBe('rgb(255, 255, 0)');
      expect(contrast(mark.bg, mark.fg)).toBeGreaterThanOrEqual(7);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, `search-${scheme}.png`), fullPage: true });
      await page.context().close();
    });
  }

  it('fits 390 px in dark mode without sideways scrolling', async () => {
    const page = await open(`/search?q=${encodeURIComponent(QUERY)}`, 'dark', 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'search-390-dark.png'), fullPage: true });
    await page.context().close();
  });

  it('Enter in the query box searches; an arXiv URL lands on the paper', async () => {
    const page = await open('/search', 'light');
    await page.fill('#search-q', 'https://arxiv.org/abs/2506.00214v1');
    await page.press('#search-q', 'Enter');
    await page.waitForURL('**/papers/2506.00214');
    expect(await page.locator('h1').innerText()).toMatch(/Consistency Distillation/);
    await page.context().close();
  });
});
