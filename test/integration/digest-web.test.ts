// The digest pages through the real app in process, with confirmation and digest mails read back from a real
// SMTP server: double opt-in, the per-address mail window, single-use confirmation, signed manage links,
// RFC 8058 one-click unsubscribe without cookies or CSRF token, header injection through the form, the preview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { loadConfig } from '../../src/config.ts';
import { getSubscriptionByEmail } from '../../src/db/subscriptions.ts';
import { runDigests } from '../../src/mail/digest-runner.ts';
import type { Services } from '../../src/services.ts';
import { createApp } from '../../src/web/app.tsx';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { DATA_SOURCES } from '../helpers/corpus.ts';
import { BASE_URL, loadDigestPapers, SECRET_KEY } from '../helpers/digest-world.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { WebClient } from '../helpers/web-client.ts';
import { testServices } from '../helpers/services.ts';

const linkIn = (mail: ParsedMail, path: string): string => {
  const m = new RegExp(`${BASE_URL.replace(/\./g, '\\.')}${path}\\?token=[A-Za-z0-9._%-]+`).exec(mail.text ?? '');
  if (!m) throw new Error(`no ${path} link in:\n${mail.text}`);
  return m[0].slice(BASE_URL.length);
};
const tokenOf = (pathWithQuery: string) => new URL(`http://x${pathWithQuery}`).searchParams.get('token')!;

for (const source of DATA_SOURCES)
  describe.skipIf(!source.available)(`digest pages on ${source.label}`, () => {
    let database: TestDatabase;
    let smtp: TestSmtpServer;
    let app: ReturnType<typeof createApp>;
    let services: Services;

    beforeAll(async () => {
      database = await createTestDatabase('sqlite');
      await loadDigestPapers(database, source);
      smtp = await startSmtpServer();
      const config = loadConfig({
        ...database.env,
        SMTP_URL: smtp.url,
        BASE_URL,
        SECRET_KEY,
        PAGE_CACHE_SECONDS: '0',
        MAIL_FROM: 'Paperfeed <digest@paperfeed.test>',
        DIGEST_RUN_MAX_WAIT_MS: '0',
        EMBEDDER: 'none',
        DERIVE_TEXT: 'false',
      });
      services = await testServices(config, database);
      app = createApp(services);
    });
    afterAll(async () => {
      await services.close();
      await smtp.stop();
      await database.drop();
    });

    it('subscribes with double opt-in; the form never says whether an address is known and mails it once per window', async () => {
      const web = new WebClient(app, BASE_URL);
      const page = await (await web.get('/subscribe?email=ada%40example.org')).text();
      expect(page).toContain('value="ada@example.org"');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
      const form = new URLSearchParams({
        _csrf: csrf,
        email: 'ada@example.org',
        frequency: 'daily',
        paperCount: '8',
        timeZone: 'Europe/Berlin',
        sendHour: '6',
      });
      form.append('categories', 'cs.CL');
      // One interest per line, so CRLF would just split it in two; a bare CR is the injection attempt that stays in one topic.
      form.append('interests', 'diffusion models\rBcc: victim@example.org');
      const post = () => web.request('/subscribe', { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const first = await post();
      expect(first.status).toBe(200);
      const firstPage = await first.text();
      expect(firstPage).toContain('Check your inbox');
      const [mail] = await smtp.waitFor(1);
      expect(mail.envelopeTo).toEqual(['ada@example.org']);
      expect(mail.parsed.subject).toBe('Confirm your Paperfeed digest subscription');
      expect(mail.parsed.text).toContain('Interests: diffusion models Bcc: victim@example.org');
      expect(mail.parsed.html).toContain('/subscribe/confirm?token=');

      // A second and third sign-up inside the window: the same page, no new mail.
      for (let i = 0; i < 2; i++) {
        const again = await post();
        expect(again.status).toBe(200);
        expect((await again.text()).replace(/name="_csrf" value="[^"]+"/g, '')).toBe(firstPage.replace(/name="_csrf" value="[^"]+"/g, ''));
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(smtp.received).toHaveLength(1);
      expect((await getSubscriptionByEmail(database, 'ada@example.org'))?.status).toBe('pending');

      // Opening the link shows a button (GET changes nothing); the POST confirms, once.
      const confirmPath = linkIn(mail.parsed, '/subscribe/confirm');
      const confirmPage = await (await web.get(confirmPath)).text();
      expect((await getSubscriptionByEmail(database, 'ada@example.org'))?.status).toBe('pending');
      const confirmCsrf = /name="_csrf" value="([^"]+)"/.exec(confirmPage)![1];
      const confirmed = await web.post('/subscribe/confirm', { _csrf: confirmCsrf, token: tokenOf(confirmPath) });
      expect(confirmed.status).toBe(200);
      expect(await confirmed.text()).toContain('You are subscribed');
      const sub = await getSubscriptionByEmail(database, 'ada@example.org');
      expect(sub).toMatchObject({
        status: 'active',
        preferences: { categories: ['cs.CL'], interests: ['diffusion models Bcc: victim@example.org'], paperCount: 8, timeZone: 'Europe/Berlin', sendHour: 6 },
      });
      const reuse = await web.post('/subscribe/confirm', { _csrf: confirmCsrf, token: tokenOf(confirmPath) });
      expect(reuse.status).toBe(400);
    });

    it('refuses a sign-up without a CSRF token, and bad input with a 400 and the reasons', async () => {
      const web = new WebClient(app, BASE_URL);
      expect((await web.post('/subscribe', { email: 'x@example.org' })).status).toBe(403);
      const csrf = await web.csrf('/subscribe');
      const bad = await web.post('/subscribe', { _csrf: csrf, email: 'not an address', paperCount: '500', timeZone: 'Mars/Olympus', frequency: 'hourly' });
      expect(bad.status).toBe(400);
      const text = await bad.text();
      for (const reason of ['Enter a valid email address.', 'at most 50 papers', 'unknown time zone', 'frequency must be daily or weekly'])
        expect(text).toContain(reason);
      expect(await getSubscriptionByEmail(database, 'x@example.org')).toBeNull();
    });

    it('sends the digest with neutralised topic text in its subject, and one-click unsubscribe works without cookies or token', async () => {
      const before = smtp.received.length;
      const summary = await runDigests(services, { date: '2025-06-04' });
      expect(summary).toMatchObject({ sent: 1 });
      const [digest] = (await smtp.waitFor(before + 1)).slice(before);
      expect(digest.envelopeTo).toEqual(['ada@example.org']);
      expect(digest.parsed.subject).toBe('Daily papers on diffusion models Bcc: victim@example.org, cs.CL: Wednesday, 4 June 2025');
      expect(digest.parsed.bcc).toBeUndefined();
      expect(digest.raw.split(/\r?\n\r?\n/)[0]).not.toMatch(/^Bcc:/im);

      // The manage link opens the settings; a wrong token does not.
      const managePath = linkIn(digest.parsed, '/subscription');
      const web = new WebClient(app, BASE_URL);
      const manage = await web.get(managePath);
      expect(manage.status).toBe(200);
      expect(manage.headers.get('cache-control')).toContain('no-store');
      const token = tokenOf(managePath);
      expect((await web.get(`/subscription?token=${token.slice(0, -2)}xx`)).status).toBe(400);
      // A manage token is not an unsubscribe token.
      expect((await new WebClient(app, BASE_URL).post(`/unsubscribe?token=${encodeURIComponent(token)}`, { 'List-Unsubscribe': 'One-Click' })).status).toBe(
        400,
      );

      // Preview of this subscriber's digest: the mail's HTML under its own CSP.
      const preview = await web.get(`/digest/preview?token=${encodeURIComponent(token)}&date=2025-06-04`);
      expect(preview.status).toBe(200);
      expect(preview.headers.get('content-security-policy')).toContain("style-src 'unsafe-inline'");
      expect(preview.headers.get('content-security-policy')).not.toContain('script-src');
      expect(await preview.text()).toContain('About “diffusion models Bcc: victim@example.org”');

      const unsubscribeHeader = digest.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
      const unsubscribeUrl = /<([^>]+)>/.exec(unsubscribeHeader)![1];
      // As a mail provider does it: a bare POST from elsewhere, no cookie, no CSRF token.
      const oneClick = await app.request(unsubscribeUrl, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example.com' },
      });
      expect(oneClick.status).toBe(200);
      // This route runs before the CSRF middleware's body cap, so it has its own.
      const huge = await app.request(unsubscribeUrl, {
        method: 'POST',
        body: 'x'.repeat(100_000),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(huge.status).toBe(413);
      expect((await getSubscriptionByEmail(database, 'ada@example.org'))?.status).toBe('unsubscribed');
      const next = await runDigests(services, { date: '2025-06-05' });
      expect(next.planned).toBe(0);
    });

    it('shows an anonymous preview for chosen topics without subscriber links', async () => {
      const res = await app.request(`${BASE_URL}/digest/preview?frequency=weekly&categories=cs.CV&interests=diffusion%20models&date=2025-06-09`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Week 23 of 2025');
      expect(html).toContain('In cs.CV');
      expect(html).not.toMatch(/token=/);
      const text = await (await app.request(`${BASE_URL}/digest/preview?format=text&date=2025-06-04`)).text();
      expect(text).toMatch(/^Your daily papers — Wednesday, 4 June 2025/);
      expect((await app.request(`${BASE_URL}/digest/preview?paperCount=999`)).status).toBe(400);
      // Categories and interests are lists (checkboxes repeat them); any other parameter given twice is refused.
      const two = await (await app.request(`${BASE_URL}/digest/preview?frequency=weekly&categories=cs.CV&categories=cs.CL&date=2025-06-09`)).text();
      expect(two).toContain('In cs.CV');
      expect(two).toContain('In cs.CL');
      expect((await app.request(`${BASE_URL}/digest/preview?frequency=weekly&frequency=daily`)).status).toBe(400);
    });

    it('says in the preview which interests matched nothing, rather than dropping them', async () => {
      const url = `${BASE_URL}/digest/preview?interests=quantum%20chromodynamics%20lattice&interests=diffusion%20models&date=2025-06-04`;
      const html = await (await app.request(url)).text();
      expect(html).toContain('About “quantum chromodynamics lattice”');
      expect(html).toContain('No paper this time matched “quantum chromodynamics lattice”.');
      expect(html).toContain('About “diffusion models”');
      expect(html).not.toContain('No paper this time matched “diffusion models”');
      const text = await (await app.request(`${url}&format=text`)).text();
      expect(text).toContain('About “quantum chromodynamics lattice”\n=');
      expect(text).toContain('No paper this time matched “quantum chromodynamics lattice”.');
    });
  });
