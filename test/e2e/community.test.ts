// The community flows as people use them, in a real Chromium against a real `paperfeed serve`, a real SMTP
// server and a local arXiv API: sign up with the link from the mail, submit a paper, upvote, comment, reply;
// a moderator hides the comment; another person cannot edit it. Injected markup stays inert throughout.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { hashPassword } from '../../src/domain/credentials.ts';
import { createUser, setPasswordHash } from '../../src/db/users.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { atomFor, startArxivServer, startServer, type RunningServer } from '../helpers/community.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { testServices } from '../helpers/services.ts';
import { loadConfig } from '../../src/config.ts';
import { processIndexQueue } from '../../src/ingest/index-queue.ts';

// An id from this month, so the paper counts as recent whatever day the test runs.
const now = new Date();
const PAPER_ID = `${String(now.getUTCFullYear() % 100).padStart(2, '0')}${String(now.getUTCMonth() + 1).padStart(2, '0')}.04242`;
const EVIL_TITLE = 'Attention <script>alert("title")</script> Is <img src=x onerror=alert(1)> Enough';
const PASSWORD = 'correct horse battery staple';
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const AXE = fs.readFileSync(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v: any) => `${page.url()} ${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join('; ')})`);
}

let database: TestDatabase;
let smtp: TestSmtpServer;
let arxiv: Awaited<ReturnType<typeof startArxivServer>>;
let server: RunningServer;
let browser: Browser;
const dialogs: string[] = [];
const cspViolations: string[] = [];

async function person(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: server.baseUrl });
  const page = await context.newPage();
  // Any alert() means injected script ran.
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  return { context, page };
}

async function signInWithPassword(page: Page, email: string): Promise<void> {
  await page.goto('/signin');
  const form = page.locator('form[action="/signin/password"]');
  await form.locator('input[name=email]').fill(email);
  await form.locator('input[name=password]').fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), form.locator('button').click()]);
}

describe.skipIf(!hasChromium)('community in Chromium', () => {
  beforeAll(async () => {
    smtp = await startSmtpServer();
    arxiv = await startArxivServer(new Map([[PAPER_ID, atomFor(PAPER_ID, EVIL_TITLE)]]));
    database = await createTestDatabase('sqlite');
    const hash = await hashPassword(PASSWORD);
    const mod = await createUser(database, { email: 'mod@example.org', username: 'mod', role: 'moderator' });
    await setPasswordHash(database, mod.id, hash);
    const mallory = await createUser(database, { email: 'mallory@example.org', username: 'mallory' });
    await setPasswordHash(database, mallory.id, hash);
    server = await startServer({
      ...database.env,
      SMTP_URL: smtp.url,
      ARXIV_API_URL: arxiv.url,
      ALLOW_PRIVATE_NETWORK: 'true',
      ARXIV_MIN_INTERVAL_MS: '10',
      // Anonymous API reads below must see each change at once, not the page cache's few-second copy.
      PAGE_CACHE_SECONDS: '0',
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await arxiv?.close();
    await smtp?.stop();
    await database?.drop();
  });

  it('signs up by mail, submits, upvotes, comments, replies; a moderator hides; another person cannot edit', async () => {
    // Sign up: the link arrives by SMTP.
    const { page } = await person();
    await page.goto('/signup');
    await page.fill('form[action="/signup"] input[name=email]', 'ada@example.org');
    await page.fill('form[action="/signup"] input[name=username]', 'ada');
    await page.click('form[action="/signup"] button');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check your inbox');
    const [mail] = await smtp.waitFor(1, 20_000);
    expect(mail.envelopeTo).toEqual(['ada@example.org']);
    expect(mail.parsed.subject).toBe('Finish signing up to Paperfeed');
    const link = /https?:\/\/\S+\/signin\/link\?token=\S+/.exec(mail.parsed.text ?? '')![0];
    await page.goto(link);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.click('form[action="/signin/link"] button')]);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'pf_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await page.goto('/settings');
    await expect.poll(() => page.locator('main').textContent()).toContain('ada@example.org');

    // The used link no longer works.
    const reuse = await page.goto(link);
    expect(reuse?.status()).toBe(400);

    // Submit a paper arXiv has (served by the local API); its title carries markup.
    await page.goto('/submit');
    await page.fill('input[name=paper]', `https://arxiv.org/abs/${PAPER_ID}v1`);
    await page.click('form[action="/submit"] button');
    // Not stored yet: the page answers at once that it is queued for arXiv; the index-requests job (run here
    // as the scheduler would) fetches it and records the submission.
    await expect.poll(() => page.locator('.submit [role=status]').textContent()).toContain(`${PAPER_ID} is not stored here yet: it is queued for arXiv`);
    expect(arxiv.requests.some((q) => q.includes(PAPER_ID))).toBe(false);
    const jobServices = await testServices(
      loadConfig({ ...database.env, ARXIV_API_URL: arxiv.url, ALLOW_PRIVATE_NETWORK: 'true', ARXIV_MIN_INTERVAL_MS: '10' }),
      database,
    );
    try {
      expect(await processIndexQueue(jobServices)).toMatchObject({ submitted: 1 });
    } finally {
      await jobServices.close();
    }
    expect(arxiv.requests.some((q) => q.includes(`id_list=${PAPER_ID}`))).toBe(true);
    await page.goto(`/papers/${PAPER_ID}`);
    expect(await page.locator('article h1').textContent()).toBe(EVIL_TITLE);
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    // Something that is not an arXiv id is named under the field, in the form, with what was typed kept.
    const unknownId = 'arxiv.org/abs/attention';
    await page.goto('/submit');
    await page.fill('input[name=paper]', unknownId);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/submit') && r.request().method() === 'POST'),
      page.click('form[action="/submit"] button'),
    ]);
    expect(refused.status()).toBe(400);
    expect(await page.locator('form[action="/submit"] .field-error').innerText()).toMatch(/^enter an arXiv id such as 2406\.01234/);
    expect(await page.inputValue('input[name=paper]')).toBe(unknownId);
    expect(await page.getAttribute('input[name=paper]', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('input[name=paper]', 'aria-describedby')).toBe('submit-paper-error');
    // A person without the role is not shown the moderators' link.
    expect(await page.locator('nav.main a[href="/mod"]').count()).toBe(0);
    await page.goto(`/papers/${PAPER_ID}`);

    // Upvote (at the top of the page; app.js sends the form in the background and updates the button).
    await page.click('button.upvote');
    await expect.poll(() => page.locator('button.upvote').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('button.upvote .count').textContent()).toBe('1');

    // Comment with Markdown and an injection attempt, then reply to it.
    await page.fill('section.community > form.comment-form textarea', 'Great **result**. <script>alert("comment")</script>');
    await Promise.all([page.waitForURL(/#comment-/), page.click('section.community > form.comment-form button')]);
    const first = page.locator('ol.comments > li.comment').first();
    expect(await first.locator('.comment-body strong').textContent()).toBe('result');
    expect(await first.locator('.comment-body').textContent()).toContain('<script>alert("comment")</script>');
    expect(await page.locator('.comment-body script').count()).toBe(0);
    const commentId = (await first.getAttribute('id'))!.replace('comment-', '');

    await first.locator('details > summary', { hasText: 'Reply' }).first().click();
    await first.locator('form.comment-form textarea').first().fill('Agreed, *very* nice.');
    await Promise.all([page.waitForURL(/#comment-/), first.locator('form.comment-form button').first().click()]);
    expect(await page.locator(`#comment-${commentId} ol.replies li.comment .comment-body em`).textContent()).toBe('very');

    // Counts in the API and the "submitted by" entry in today's Daily Papers.
    const api = await (await fetch(`${server.baseUrl}/api/papers/${PAPER_ID}/comments`)).json();
    expect(api.numComments).toBe(2);
    expect(api.comments[0].replies).toHaveLength(1);
    await page.goto('/u/ada');
    expect(await page.locator('main').textContent()).toContain(EVIL_TITLE);

    // A moderator hides the comment.
    const mod = await person();
    await signInWithPassword(mod.page, 'mod@example.org');
    await mod.page.goto(`/papers/${PAPER_ID}`);
    // Reply, Report and Hide sit apart from each other, not glued together.
    const gaps = await mod.page.locator(`#comment-${commentId} > article .comment-actions`).evaluate((div) => {
      const rects = Array.from(div.children)
        .map((e) => e.getBoundingClientRect())
        .filter((r) => r.width > 0);
      const middle = (r: DOMRect) => r.top + r.height / 2;
      return rects.slice(1).flatMap((r, i) => (Math.abs(middle(r) - middle(rects[i])) < 8 ? [r.left - rects[i].right] : []));
    });
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(8);
    await Promise.all([
      mod.page.waitForURL(`**/papers/${PAPER_ID}`),
      mod.page.click(`#comment-${commentId} > article form[action="/mod/comments/${commentId}/hide"] button`),
    ]);
    await page.goto(`/papers/${PAPER_ID}`);
    expect(await page.locator(`#comment-${commentId} > article`).textContent()).toContain('[hidden by a moderator]');
    expect(await page.locator(`#comment-${commentId} > article .comment-body`).count()).toBe(0);
    const afterHide = await (await fetch(`${server.baseUrl}/api/papers/${PAPER_ID}/comments`)).json();
    expect(afterHide.numComments).toBe(1);
    // Moderators reach their desk from the main navigation.
    await Promise.all([mod.page.waitForURL('**/mod'), mod.page.click('nav.main a[href="/mod"]')]);
    expect(await mod.page.locator('table').last().textContent()).toContain('hide_comment');

    // Another person cannot edit it: no edit link, the edit page is refused, and so is a forged POST.
    const other = await person();
    await signInWithPassword(other.page, 'mallory@example.org');
    await other.page.goto(`/papers/${PAPER_ID}`);
    expect(await other.page.locator(`#comment-${commentId} a[href^="/comments/${commentId}/edit"]`).count()).toBe(0);
    const editPage = await other.page.goto(`/comments/${commentId}/edit`);
    expect(editPage?.status()).toBe(403);
    await other.page.goto('/submit');
    const status = await other.page.evaluate(async (id) => {
      const token = (document.querySelector('input[name=_csrf]') as HTMLInputElement).value;
      const res = await fetch(`/comments/${id}/edit`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, body: 'defaced' }),
        redirect: 'manual',
      });
      return res.status;
    }, commentId);
    expect(status).toBe(403);
    const row = await database.db.selectFrom('comments').select('body').where('id', '=', commentId).executeTakeFirstOrThrow();
    expect(row.body).toContain('Great **result**');

    // The submission is in today's Daily Papers with its submitter, and the community counts show there.
    const today = new Date().toISOString().slice(0, 10);
    const daily = await (await fetch(`${server.baseUrl}/api/daily_papers?date=${today}`)).json();
    const listed = daily.find((d: any) => d.paper.id === PAPER_ID);
    expect(listed).toMatchObject({ submittedBy: { name: 'ada' }, numComments: 1, paper: { upvotes: 1, title: EVIL_TITLE } });
    await page.goto(`/papers/${PAPER_ID}`);
    expect(await page.locator('main').textContent()).toContain('submitted by ada');
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    const entry = await database.db.selectFrom('daily_entries').selectAll().where('paper_id', '=', PAPER_ID).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ source: 'community', submitted_by: 'ada' });
    expect(dialogs).toEqual([]);

    // The community pages pass axe-core's accessibility checks, signed in and out.
    const violations: string[] = [];
    for (const url of [`/papers/${PAPER_ID}`, '/settings', '/submit', '/u/ada']) {
      await page.goto(url);
      violations.push(...(await axeViolations(page)));
    }
    await mod.page.goto('/mod');
    violations.push(...(await axeViolations(mod.page)));
    const anonymous = await person();
    for (const url of ['/signin', '/signup', `/papers/${PAPER_ID}`]) {
      await anonymous.page.goto(url);
      violations.push(...(await axeViolations(anonymous.page)));
    }
    expect(violations).toEqual([]);
    expect(cspViolations).toEqual([]);

    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await mod.page.goto(`/papers/${PAPER_ID}`);
    await mod.page.screenshot({ path: path.join(SCREENSHOTS, 'community-discussion-moderator.png'), fullPage: true });
    await page.goto('/settings');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'community-settings.png'), fullPage: true });
  });
});
