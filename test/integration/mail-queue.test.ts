// Mail out of the request: sign-in links and digest confirmations go through the mail queue. With the mail
// server down a request still answers at once, and the mail arrives once the server is back; several
// processes drain one queue without sending a message twice; a sender killed mid-run loses nothing and its
// hand-offs are not sent again (its journal); an expired link or a refused address is not retried. Real SMTP server, real app, real child processes.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/connect.ts';
import { mailQueueCounts } from '../../src/db/mail-queue.ts';
import { newHolderId, runJob } from '../../src/jobs/runner.ts';
import { findJob } from '../../src/jobs/schedule.ts';
import { queueMail } from '../../src/mail/queue.ts';
import type { Services } from '../../src/services.ts';
import { createApp } from '../../src/web/app.tsx';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { makeUser } from '../helpers/factory.ts';
import { startPaperfeed } from '../helpers/paperfeed-process.ts';
import { testServices } from '../helpers/services.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { WebClient } from '../helpers/web-client.ts';

const BASE_URL = 'http://paperfeed.test';
let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function world(kind: (typeof databaseKinds)[number], env: Record<string, string> = {}) {
  const database = await createTestDatabase(kind);
  cleanups.push(() => database.drop());
  const smtp = await startSmtpServer();
  cleanups.push(() => smtp.stop());
  const config = loadConfig({ ...database.env, SMTP_URL: smtp.url, BASE_URL, PAGE_CACHE_SECONDS: '0', MAIL_RETRY_BASE_MS: '0', LOG_LEVEL: 'silent', ...env });
  const services = await testServices(config, database);
  cleanups.push(() => services.close());
  return { database, smtp, services, app: createApp(services) };
}

const queueRows = (database: Database) => database.db.selectFrom('mail_queue').selectAll().orderBy('created_at').execute();

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The scheduler's mail-queue job, run now as the scheduler runs it (lease, run record). */
async function runMailJob(services: Services) {
  return runJob(services, { job: findJob('mail-queue')!, slot: `manual:${Date.now()}`, trigger: 'manual', holder: newHolderId() });
}

async function queueMany(database: Database, count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await queueMail(
      database,
      { baseUrl: BASE_URL },
      { to: `reader${i}@example.org`, subject: `${tag} ${i}`, text: `message ${i}`, key: `${tag}:${i}`, expiresAt: new Date(Date.now() + 3_600_000) },
    );
  }
}

for (const kind of databaseKinds) {
  describe(`mail queue on ${kind}`, () => {
    it('answers sign-in and subscribe requests while the mail server is down, and delivers once it is back', async () => {
      const { database, smtp, services, app } = await world(kind);
      await makeUser(database, { username: 'alice', email: 'alice@example.org' });
      await smtp.stop();

      const web = new WebClient(app, BASE_URL);
      const csrf = await web.csrf('/signin');
      const signIn = await web.post('/signin/email', { _csrf: csrf, email: 'alice@example.org' });
      expect(signIn.status).toBe(200);
      expect(await signIn.text()).toContain('Check your inbox');
      const subscribe = await web.post('/subscribe', {
        _csrf: await web.csrf('/subscribe'),
        email: 'bob@example.org',
        frequency: 'daily',
        paperCount: '5',
        timeZone: 'UTC',
        sendHour: '7',
        categories: 'cs.CL',
      });
      expect(subscribe.status).toBe(200);
      expect(await subscribe.text()).toContain('Check your inbox');

      // Each request kicked this process's sender, which found the server down and left the mail for a retry.
      await until('both sends failed once', async () =>
        (await queueRows(database)).every((r) => r.status === 'pending' && Number(r.attempts) >= 1 && r.last_error),
      );
      expect(smtp.received).toHaveLength(0);
      expect((await queueRows(database)).map((r) => r.subject).sort()).toEqual(['Confirm your Paperfeed digest subscription', 'Sign in to Paperfeed']);

      await smtp.start();
      expect(await runMailJob(services)).toMatchObject({ status: 'ok', counts: { sent: 2, waiting: 0 } });
      const mails = await smtp.waitFor(2);
      const signInMail = mails.find((m) => m.parsed.subject === 'Sign in to Paperfeed')!;
      expect(signInMail.envelopeTo).toEqual(['alice@example.org']);
      const link = /http:\/\/paperfeed\.test(\/signin\/link\?token=[A-Za-z0-9_%-]+)/.exec(signInMail.parsed.text ?? '')![1];
      expect(await (await web.get(link)).text()).toContain('Continue as');
      expect(mails.find((m) => m.parsed.subject === 'Confirm your Paperfeed digest subscription')!.envelopeTo).toEqual(['bob@example.org']);

      // Sent rows keep no body (a sign-in link must not linger in the database), and are not sent again.
      for (const row of await queueRows(database)) expect(row).toMatchObject({ status: 'sent', text_body: null, html_body: null });
      expect(await runMailJob(services)).toMatchObject({ status: 'ok', counts: { sent: 0 } });
      expect(smtp.received).toHaveLength(2);
    }, 60_000);

    it('gives up on an address the server refuses, keeps retrying a temporary refusal, and never sends an expired link', async () => {
      const { database, smtp, services } = await world(kind);
      smtp.refuse.set('gone@example.org', 550);
      smtp.refuse.set('busy@example.org', 451);
      const expiresAt = new Date(Date.now() + 60_000);
      await queueMail(database, { baseUrl: BASE_URL }, { to: 'gone@example.org', subject: 'gone', text: 'x', key: 'gone', expiresAt });
      await queueMail(database, { baseUrl: BASE_URL }, { to: 'busy@example.org', subject: 'busy', text: 'x', key: 'busy', expiresAt });
      await queueMail(
        database,
        { baseUrl: BASE_URL },
        { to: 'late@example.org', subject: 'late', text: 'x', key: 'late', expiresAt: new Date(Date.now() - 1) },
      );
      // The same key again is the same mail: not queued twice.
      expect(await queueMail(database, { baseUrl: BASE_URL }, { to: 'busy@example.org', subject: 'busy', text: 'x', key: 'busy', expiresAt })).toBe(false);

      expect(await services.mailQueue.drain()).toMatchObject({ sent: 0, failed: 1, retried: 1, expired: 1, waiting: 1 });
      smtp.refuse.delete('busy@example.org');
      expect(await services.mailQueue.drain()).toMatchObject({ sent: 1, waiting: 0 });
      expect(smtp.received.map((m) => m.envelopeTo[0])).toEqual(['busy@example.org']);
      expect(await mailQueueCounts(database)).toEqual({ sent: 1, failed: 1, expired: 1 });
    }, 60_000);

    it('counts as waiting only messages that failed a try, not ones queued while the pass ran', async () => {
      const { database, smtp, services } = await world(kind);
      // Queued a moment after the pass starts (as a request beside `paperfeed mail` does): due for the next pass.
      const later = new Date(Date.now() + 60_000);
      await queueMail(
        database,
        { baseUrl: BASE_URL },
        { to: 'new@example.org', subject: 'new', text: 'x', key: 'new', expiresAt: new Date(Date.now() + 120_000) },
        later,
      );
      expect(await services.mailQueue.drain()).toMatchObject({ sent: 0, retried: 0, waiting: 0 });
      expect(smtp.received).toHaveLength(0);
    }, 60_000);

    it("the scheduled job's drain ends while requests keep queueing and kicking the sender", async () => {
      const { database, smtp, services } = await world(kind);
      smtp.acceptDelayMs = 20;
      let stop = false;
      let queued = 0;
      const requests = (async () => {
        while (!stop) {
          await queueMail(
            database,
            { baseUrl: BASE_URL },
            { to: `busy${queued}@example.org`, subject: 'busy', text: 'x', key: `busy:${queued++}`, expiresAt: new Date(Date.now() + 60_000) },
          );
          services.mailQueue.kick();
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await until('the sender is busy', async () => smtp.received.length > 3);
      // One pass after the running one: it must not follow the stream of new mail for ever.
      const run = await services.mailQueue.drain();
      stop = true;
      await requests;
      expect(run.sent).toBeGreaterThan(0);
      await services.mailQueue.drain();
      expect(await mailQueueCounts(database)).toEqual({ sent: queued });
    }, 60_000);

    it('several `paperfeed mail` processes drain one queue without sending any message twice', async () => {
      const { database, smtp } = await world(kind);
      const total = 400;
      await queueMany(database, total, 'parallel');
      // A slow mail server and two connections each keep every process busy for seconds, so their runs overlap.
      smtp.acceptDelayMs = 50;
      const env = { ...database.env, SMTP_URL: smtp.url, BASE_URL, SMTP_MAX_CONNECTIONS: '2', LOG_LEVEL: 'warn' };
      const senders = [1, 2, 3].map(() => startPaperfeed(['mail'], env));
      const exits = await Promise.all(senders.map((s) => s.exited));
      expect(
        exits.map((e) => e.code),
        senders.map((s) => s.output().stderr).join('\n'),
      ).toEqual([0, 0, 0]);
      const sentBy = senders.map((s) => Number(/sent (\d+),/.exec(s.output().stdout)?.[1]));
      expect(sentBy.reduce((a, b) => a + b, 0)).toBe(total);
      expect(sentBy.filter((n) => n > 0).length, `sent per process: ${sentBy}`).toBeGreaterThanOrEqual(2);
      expect(smtp.received).toHaveLength(total);
      expect(new Set(smtp.received.map((m) => m.parsed.messageId)).size).toBe(total);
      expect(new Set(smtp.received.map((m) => m.parsed.subject)).size).toBe(total);
    }, 120_000);

    it('a sender killed mid-run loses nothing and doubles nothing: the next run sends the rest, and what the killed one handed over counts as sent', async () => {
      const { database, smtp } = await world(kind);
      const total = 60;
      await queueMany(database, total, 'crash');
      smtp.acceptDelayMs = 100;
      const env = { ...database.env, SMTP_URL: smtp.url, BASE_URL, SMTP_MAX_CONNECTIONS: '2', LOG_LEVEL: 'warn' };
      const first = startPaperfeed(['mail'], env);
      await until('some mail arrived', async () => smtp.received.length >= 10, 60_000);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(smtp.received.length).toBeLessThan(total);

      // The killed sender's claims are taken over at once: it was a process of this host that no longer exists.
      const second = startPaperfeed(['mail'], env);
      expect((await second.exited).code, second.output().stderr).toBe(0);
      const ids = smtp.received.map((m) => m.parsed.messageId);
      expect(new Set(ids).size).toBe(total);
      // The server holds each reply for 100 ms, so the kill lands while messages on both connections were handed
      // over and not yet recorded: the killed sender's journal says so, and the second sender does not send them.
      expect(ids.length).toBe(total);
      expect(await mailQueueCounts(database)).toEqual({ sent: total });
    }, 120_000);
  });
}
