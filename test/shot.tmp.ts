// Throwaway: screenshots of pages (not committed).
import { createTestDatabase } from './helpers/db.ts';
import { FIXED_NOW, seedFixtures } from './web/fixtures.ts';
import { startTestServer } from './web/server.ts';
import { launchChromium } from './helpers/browser.ts';
const db = await createTestDatabase('sqlite');
await seedFixtures(db);
const server = await startTestServer(db, { now: FIXED_NOW });
const browser = await launchChromium();
const shots = process.argv.slice(2);
for (const spec of shots) {
  const [url, w, name, scheme] = spec.split(',');
  const ctx = await browser.newContext({ viewport: { width: Number(w), height: 800 }, colorScheme: (scheme as any) ?? 'light' });
  const page = await ctx.newPage();
  await page.goto(server.url + url);
  const info = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, first: document.querySelector('ol.papers > li')?.getBoundingClientRect().top ?? null }));
  console.log(spec, JSON.stringify(info));
  await page.screenshot({ path: `/tmp/pages-shots/${name}.png`, fullPage: name.endsWith('full') });
  await ctx.close();
}
await browser.close(); await server.close(); await db.drop();
