// Digests as a reader uses them, in a real Chromium against a real `paperfeed serve` and a real SMTP server:
// subscribe from the box on the front page, confirm with the link from the received mail, get a digest,
// unsubscribe with the link from that digest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { loadConfig } from '../../src/config.ts';
import { getSubscriptionByEmail } from '../../src/db/subscriptions.ts';
import { runDigests } from '../../src/mail/digest-runner.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/community.ts';
import { DATA_SOURCES } from '../helpers/corpus.ts';
import { loadDigestPapers, SECRET_KEY } from '../helpers/digest-world.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { testServices } from '../helpers/services.ts';

for (const source of DATA_SOURCES)
  describe.skipIf(!hasChromium || !source.available)(`digests in Chromium on ${source.label}`, () => {
    let database: TestDatabase;
    let smtp: TestSmtpServer;
    let server: RunningServer;
    let browser: Browser;

    beforeAll(async () => {
      database = await createTestDatabase('sqlite');
      await loadDigestPapers(database, source);
      smtp = await startSmtpServer();
      server = await startServer({
        ...database.env,
        SMTP_URL: smtp.url,
        SECRET_KEY,
        MAIL_FROM: 'Paperfeed <digest@paperfeed.test>',
        EMBEDDER: 'none',
        DERIVE_TEXT: 'false',
      });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await smtp?.stop();
      await database?.drop();
    });

    it('subscribe on a page, confirm from the mail, unsubscribe from a digest', async () => {
      const context = await browser.newContext({ baseURL: server.baseUrl });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));

      // The compact box on the front page leads to the full form with the address filled in.
      await page.goto('/');
      await page.locator('form.subscribe input[name=email]').fill('reader@example.org');
      await Promise.all([page.waitForURL(/\/subscribe\?email=/), page.locator('form.subscribe button').click()]);
      const form = page.locator('form.digest-form');
      expect(await form.locator('input[name=email]').inputValue()).toBe('reader@example.org');
      await form.locator('input[name=categories][value="cs.CL"]').check();
      await form.locator('textarea[name=interests]').fill('diffusion models\nspeech recognition');
      await form.locator('input[name=paperCount]').fill('7');
      await form.locator('input[name=timeZone]').fill('America/New_York');
      await form.locator('select[name=sendHour]').selectOption('8');
      await Promise.all([page.waitForURL(/\/subscribe$/), form.locator('button[type=submit]').click()]);
      await expect(page.locator('h1').textContent()).resolves.toBe('Check your inbox');

      // The confirmation mail: open its link, press Confirm.
      const [confirmation] = await smtp.waitFor(1);
      expect(confirmation.envelopeTo).toEqual(['reader@example.org']);
      const confirmUrl = /(http:\/\/127\.0\.0\.1:\d+\/subscribe\/confirm\?token=\S+)/.exec(confirmation.parsed.text ?? '')![1];
      await page.goto(confirmUrl);
      expect((await getSubscriptionByEmail(database, 'reader@example.org'))?.status).toBe('pending');
      await Promise.all([page.waitForURL(/\/subscribe\/confirm$/), page.getByRole('button', { name: 'Confirm' }).click()]);
      await expect(page.locator('h1').textContent()).resolves.toBe('You are subscribed');
      const sub = await getSubscriptionByEmail(database, 'reader@example.org');
      expect(sub).toMatchObject({
        status: 'active',
        preferences: { categories: ['cs.CL'], interests: ['diffusion models', 'speech recognition'], paperCount: 7, timeZone: 'America/New_York', sendHour: 8 },
      });

      // The preview page linked from there renders the digest.
      await page.getByRole('link', { name: 'See what your digest looks like' }).click();
      await expect(page.locator('h1').first().textContent()).resolves.toBe('Your daily papers');

      // A digest arrives; its unsubscribe link opens a page whose button unsubscribes.
      const config = loadConfig({
        ...database.env,
        SMTP_URL: smtp.url,
        SECRET_KEY,
        BASE_URL: server.baseUrl,
        MAIL_FROM: 'Paperfeed <digest@paperfeed.test>',
        DIGEST_RUN_MAX_WAIT_MS: '0',
        EMBEDDER: 'none',
        DERIVE_TEXT: 'false',
      });
      const services = await testServices(config, database);
      try {
        expect(await runDigests(services, { date: '2025-06-04' })).toMatchObject({ sent: 1 });
      } finally {
        await services.close();
      }
      const [, digest] = await smtp.waitFor(2);
      const html = String(digest.parsed.html);
      const unsubscribeUrl = /href="(http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?token=[^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
      await page.goto(unsubscribeUrl);
      await expect(page.locator('main').textContent()).resolves.toContain('reader@example.org');
      await Promise.all([page.waitForURL(/\/unsubscribe\?token=/), page.getByRole('button', { name: 'Unsubscribe' }).click()]);
      await expect(page.locator('h1').textContent()).resolves.toBe('You are unsubscribed');
      expect((await getSubscriptionByEmail(database, 'reader@example.org'))?.status).toBe('unsubscribed');
      expect(errors).toEqual([]);
      await context.close();
    });
  });
