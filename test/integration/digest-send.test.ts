// Digests sent to a real SMTP server and read back with mailparser: who gets one, both parts, the list headers
// and signed links, topics, idempotent reruns, bounces, temporary failures and the dry run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { getPaper } from '../../src/db/papers.ts';
import { deliveryStatusCounts, getSubscription, requestSubscription, unsubscribe } from '../../src/db/subscriptions.ts';
import { loadConfig } from '../../src/config.ts';
import { runDigests } from '../../src/mail/digest-runner.ts';
import { LinkSigner } from '../../src/mail/links.ts';
import { DEFAULT_PREFERENCES } from '../../src/mail/preferences.ts';
import type { Services } from '../../src/services.ts';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../helpers/db.ts';
import { DATA_SOURCES } from '../helpers/corpus.ts';
import { addSubscriber, BASE_URL, loadDigestPapers, SECRET_KEY } from '../helpers/digest-world.ts';
import { testServices } from '../helpers/services.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';

function headerValue(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === name)?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

const mailTo = (smtp: TestSmtpServer, address: string) => smtp.received.filter((m) => m.envelopeTo.includes(address));

for (const source of DATA_SOURCES)
  describe.skipIf(!source.available).each(databaseKinds)(`digest sending on %s, ${source.label}`, (kind) => {
    let database: TestDatabase;
    let smtp: TestSmtpServer;
    let ctx: Services;
    const signer = new LinkSigner(SECRET_KEY);
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      await loadDigestPapers(database, source);
      smtp = await startSmtpServer();
      const config = loadConfig({
        PAPERFEED_DATA_DIR: tempDir(),
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Paperfeed <digest@paperfeed.test>',
        BASE_URL,
        SECRET_KEY,
        DIGEST_RETRY_BASE_MS: '60000',
        DIGEST_RUN_MAX_WAIT_MS: '0',
        // Interests are ranked lexically: no embedder to train.
        EMBEDDER: 'none',
        DERIVE_TEXT: 'false',
      });
      // A fixed clock on a Saturday: runs without --date then plan no daily digest, and this week's weekly exists.
      ctx = await testServices(config, database, { now: new Date('2025-06-07T12:00:00Z') });
      ids.ada = await addSubscriber(database, 'ada@example.org', { interests: ['diffusion models'], categories: ['cs.CL'], paperCount: 10 });
      ids.bob = await addSubscriber(database, 'bob@example.org', { paperCount: 5 });
      ids.cyd = await addSubscriber(database, 'cyd@example.org', { frequency: 'weekly', categories: ['cs.CV'] });
      ids.eve = await addSubscriber(database, 'eve@example.org');
      await unsubscribe(database, ids.eve, new Date());
      await requestSubscription(database, {
        email: 'dan@example.org',
        preferences: DEFAULT_PREFERENCES,
        now: new Date(),
        confirmTtlMs: 3_600_000,
        mailWindowMs: 3_600_000,
      });
    });
    afterAll(async () => {
      await ctx?.close();
      await smtp?.stop();
      await database?.drop();
    });

    it('a dry run lists what would be sent and sends and records nothing', async () => {
      const summary = await runDigests(ctx, { date: '2025-06-04', dryRun: true });
      expect(summary.dryRun.map((i) => i.email).sort()).toEqual(['ada@example.org', 'bob@example.org', 'cyd@example.org']);
      expect(summary.dryRun.every((i) => i.state === 'would send' && i.paperIds.length > 0)).toBe(true);
      expect(summary.dryRun.find((i) => i.email === 'bob@example.org')?.paperIds).toHaveLength(5);
      expect(await deliveryStatusCounts(database)).toEqual({});
      expect(smtp.received).toHaveLength(0);
    });

    it('sends one digest to each confirmed, subscribed address with both parts, list headers and signed links', async () => {
      const summary = await runDigests(ctx, { date: '2025-06-04' });
      expect(summary).toMatchObject({ planned: 3, sent: 3, failed: 0 });
      await smtp.waitFor(3);
      expect(smtp.received.map((m) => m.envelopeTo[0]).sort()).toEqual(['ada@example.org', 'bob@example.org', 'cyd@example.org']);

      const [ada] = mailTo(smtp, 'ada@example.org');
      const p = ada.parsed;
      expect(p.messageId).toBe(`<digest.${ids.ada}.2025-06-04@127.0.0.1>`);
      expect(p.date).toBeInstanceOf(Date);
      expect(p.subject).toBe('Daily papers on diffusion models, cs.CL: Wednesday, 4 June 2025');
      expect(headerValue(p, 'list-id')).toBe('Paperfeed daily digest <daily.digest.127.0.0.1>');
      expect(headerValue(p, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const unsubscribeUrl = /^<(https?:\/\/[^>]+)>$/.exec(headerValue(p, 'list-unsubscribe') ?? '')?.[1];
      expect(unsubscribeUrl).toBeDefined();
      const url = new URL(unsubscribeUrl!);
      expect(`${url.origin}${url.pathname}`).toBe(`${BASE_URL}/unsubscribe`);
      const token = LinkSigner.parse(url.searchParams.get('token'));
      const sub = await getSubscription(database, ids.ada);
      expect(token && signer.verifySubscription('unsubscribe', token, sub!.linkKey)).toBe(true);
      expect(token && signer.verifySubscription('manage', token, sub!.linkKey)).toBe(false);

      // Both parts carry the same papers, the unsubscribe and manage links, and the topic sections.
      const text = p.text ?? '';
      const html = String(p.html);
      const paperLinks = [...text.matchAll(/http:\/\/127\.0\.0\.1:3999\/papers\/([\w./-]+)/g)].map((m) => m[1]);
      expect(paperLinks).toHaveLength(10);
      for (const id of paperLinks) expect(html).toContain(`${BASE_URL}/papers/${id}`);
      expect(text).toContain(unsubscribeUrl);
      expect(html).toContain(unsubscribeUrl!.replace(/&/g, '&amp;'));
      expect(text).toMatch(/Change topics or schedule: http:\/\/127\.0\.0\.1:3999\/subscription\?token=/);
      expect(html).toContain('About “diffusion models”');
      expect(html).toContain('In cs.CL');
      expect(html).toContain('▲');
      expect(html).toMatch(/prefers-color-scheme: dark/);

      // The interest section holds papers about diffusion from the covered day.
      const section = text.split('About “diffusion models”')[1].split(/\n\n\n/)[0];
      const sectionIds = [...section.matchAll(/\/papers\/([\w./-]+)/g)].map((m) => m[1]);
      expect(sectionIds.length).toBeGreaterThan(0);
      for (const id of sectionIds) {
        const paper = await getPaper(database, id);
        expect(`${paper!.title} ${paper!.abstract}`.toLowerCase()).toMatch(/diffusion/);
      }
      // The cs.CL section holds cs.CL papers.
      const clSection = text.split('In cs.CL')[1].split(/\n\n\n/)[0];
      for (const [, id] of clSection.matchAll(/\/papers\/([\w./-]+)/g)) expect((await getPaper(database, id))!.categories).toContain('cs.CL');

      const [cyd] = mailTo(smtp, 'cyd@example.org');
      expect(cyd.parsed.messageId).toBe(`<digest.${ids.cyd}.2025-W23@127.0.0.1>`);
      expect(cyd.parsed.subject).toBe('Weekly papers on cs.CV: Week 22 of 2025 (26 May – 1 June)');
      expect(headerValue(cyd.parsed, 'list-id')).toBe('Paperfeed weekly digest <weekly.digest.127.0.0.1>');
    });

    it('a second run for the same period sends nothing', async () => {
      const before = smtp.received.length;
      const summary = await runDigests(ctx, { date: '2025-06-04' });
      expect(summary).toMatchObject({ planned: 0, sent: 0 });
      expect(smtp.received.length).toBe(before);
      expect(await deliveryStatusCounts(database)).toEqual({ sent: 3 });
    });

    it('counts a permanent refusal as a bounce and disables the address at the limit', async () => {
      smtp.refuse.set('bob@example.org', 550);
      const before = smtp.received.length;
      const summary = await runDigests({ ...ctx, config: { ...ctx.config, DIGEST_BOUNCE_LIMIT: 1 } }, { date: '2025-06-05', frequency: 'daily' });
      smtp.refuse.delete('bob@example.org');
      expect(summary).toMatchObject({ planned: 2, sent: 1, failed: 1, bounced: 1, disabled: 1 });
      expect((await getSubscription(database, ids.bob))?.status).toBe('disabled');
      expect(smtp.received.slice(before).map((m) => m.envelopeTo[0])).toEqual(['ada@example.org']);
    });

    it('retries a temporary refusal later and then delivers exactly once', async () => {
      smtp.refuse.set('ada@example.org', 451);
      const first = await runDigests(ctx, { date: '2025-06-06', frequency: 'daily' });
      expect(first).toMatchObject({ planned: 1, sent: 0, retried: 1, waiting: 1 });
      smtp.refuse.delete('ada@example.org');
      const before = smtp.received.length;
      // Nothing is due before the backoff has passed; five minutes later the retry goes out.
      expect(await runDigests(ctx, {})).toMatchObject({ sent: 0, waiting: 1 });
      const second = await runDigests({ ...ctx, clock: () => new Date('2025-06-07T12:05:00Z') }, {});
      expect(second).toMatchObject({ sent: 1, waiting: 0 });
      const delivered = smtp.received.slice(before);
      expect(delivered.map((m) => m.parsed.messageId)).toEqual([`<digest.${ids.ada}.2025-06-06@127.0.0.1>`]);
    });

    it('never mails an empty digest: a period without papers is recorded as skipped, with the reason', async () => {
      const before = smtp.received.length;
      const dry = await runDigests(ctx, { date: '2025-06-20', frequency: 'daily', dryRun: true });
      expect(dry.dryRun.map((i) => [i.email, i.state])).toEqual([['ada@example.org', 'would skip: no papers in this period']]);
      const summary = await runDigests(ctx, { date: '2025-06-20', frequency: 'daily' });
      expect(summary).toMatchObject({ planned: 1, sent: 0, empty: 1, failed: 0 });
      await new Promise((r) => setTimeout(r, 200));
      expect(smtp.received.length).toBe(before);
      const row = await database.db.selectFrom('digest_deliveries').selectAll().where('period_key', '=', '2025-06-20').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'skipped', last_error: 'no papers in this period' });
    });
  });
