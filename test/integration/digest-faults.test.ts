// Crash and outage tests: the sender is a real `paperfeed digest` child process killed with SIGKILL in the middle
// of a run, and a real SMTP server that goes away and comes back. What counts is what the server received.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryStatusCounts } from '../../src/db/subscriptions.ts';
import { loadConfig } from '../../src/config.ts';
import { runDigests } from '../../src/mail/digest-runner.ts';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../helpers/db.ts';
import { DATA_SOURCES } from '../helpers/corpus.ts';
import { addSubscriber, BASE_URL, loadDigestPapers, SECRET_KEY } from '../helpers/digest-world.ts';
import { testServices } from '../helpers/services.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/paperfeed.js');
const SUBSCRIBERS = 120;

function startDigest(env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string }> } {
  const child = spawn(process.execPath, [BIN, 'digest', '--date', '2025-06-04'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', () => {});
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout })),
  );
  return { child, done };
}

/** Every subscriber received exactly one digest for the period: counted per recipient at the server. */
function expectExactlyOnce(smtp: TestSmtpServer, emails: string[]): void {
  const perRecipient = new Map<string, number>();
  for (const m of smtp.received) for (const to of m.envelopeTo) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  const wrong = emails.filter((e) => perRecipient.get(e) !== 1).map((e) => `${e}: ${perRecipient.get(e) ?? 0}`);
  expect(wrong).toEqual([]);
  expect(smtp.received).toHaveLength(emails.length);
  expect(new Set(smtp.received.map((m) => m.parsed.messageId)).size).toBe(emails.length);
}

for (const source of DATA_SOURCES)
  describe.skipIf(!source.available).each(databaseKinds)(`digest faults on %s, ${source.label}`, (kind) => {
    let database: TestDatabase;
    let smtp: TestSmtpServer;
    const emails = Array.from({ length: SUBSCRIBERS }, (_, i) => `reader${String(i).padStart(3, '0')}@example.org`);

    beforeEach(async () => {
      database = await createTestDatabase(kind);
      await loadDigestPapers(database, source);
      for (const [i, email] of emails.entries()) {
        await addSubscriber(database, email, { interests: i % 2 ? ['diffusion models'] : [], categories: i % 3 ? ['cs.CL'] : ['cs.CV'] });
      }
      smtp = await startSmtpServer();
    });
    afterEach(async () => {
      await smtp.stop();
      await database.drop();
    });

    /** An in-process runner on 4 SMTP connections that waits up to 30 s for retries, 20 attempts each. */
    const runnerServices = (smtpUrl: string, env: Record<string, string>) =>
      testServices(
        loadConfig({
          PAPERFEED_DATA_DIR: tempDir(),
          SMTP_URL: smtpUrl,
          MAIL_FROM: 'Paperfeed <digest@paperfeed.test>',
          BASE_URL,
          SECRET_KEY,
          SMTP_MAX_CONNECTIONS: '4',
          DIGEST_RUN_MAX_WAIT_MS: '30000',
          DIGEST_MAX_ATTEMPTS: '20',
          // Interests are ranked lexically: no embedder to train.
          EMBEDDER: 'none',
          DERIVE_TEXT: 'false',
          ...env,
        }),
        database,
      );

    it('SIGKILL in the middle of a run, twice, then a rerun: every subscriber gets exactly one digest', async () => {
      // A relay that takes 10 ms per message keeps the run going long enough to be killed in the middle.
      smtp.acceptDelayMs = 10;
      // SQLite's env already names the data dir (the store is in it); PostgreSQL's gets one, so no journal lands in the repository.
      const dataDir = database.env.PAPERFEED_DATA_DIR ?? tempDir();
      const env = {
        ...database.env,
        PAPERFEED_DATA_DIR: dataDir,
        SMTP_URL: smtp.url,
        SECRET_KEY,
        BASE_URL,
        MAIL_FROM: 'Paperfeed <digest@paperfeed.test>',
        LOG_LEVEL: 'silent',
        SMTP_MAX_CONNECTIONS: '4',
        DIGEST_CONCURRENCY: '6',
        EMBEDDER: 'none',
        DERIVE_TEXT: 'false',
      };
      for (const killAt of [25, 70]) {
        const run = startDigest(env);
        await smtp.waitFor(killAt, 60_000);
        run.child.kill('SIGKILL');
        const exit = await run.done;
        expect(exit.signal).toBe('SIGKILL');
        expect(smtp.received.length).toBeLessThan(SUBSCRIBERS);
      }
      // The killed runs left hand-off journals behind.
      const journals = () => (fs.existsSync(path.join(dataDir, 'digest-journal')) ? fs.readdirSync(path.join(dataDir, 'digest-journal')) : []);
      expect(journals().length).toBeGreaterThan(0);
      const final = startDigest(env);
      const exit = await final.done;
      expect(exit.code).toBe(0);
      // The rerun found claims of the dead processes and sent those digests again (their data never completed).
      expect(exit.stdout).toMatch(/planned 0, sent \d+/);
      expect(journals()).toEqual([]);
      await new Promise((r) => setTimeout(r, 200));
      expectExactlyOnce(smtp, emails);
      const counts = await deliveryStatusCounts(database, '2025-06-04');
      expect((counts.sent ?? 0) + (counts.handed_off ?? 0)).toBe(SUBSCRIBERS);
      expect(counts.pending ?? 0).toBe(0);
    });

    it('SMTP server down, then back during the run: all delivered, none twice', async () => {
      const port = smtp.port;
      await smtp.stop();
      const services = await runnerServices(`smtp://127.0.0.1:${port}`, { DIGEST_RETRY_BASE_MS: '400' });
      // The server comes back once every digest has failed its first attempt.
      const restart = (async () => {
        for (;;) {
          const failedOnce = await database.db
            .selectFrom('digest_deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'pending')
            .where('attempts', '>=', 1)
            .executeTakeFirstOrThrow();
          if (Number(failedOnce.n) === SUBSCRIBERS) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await smtp.start();
      })();
      try {
        const summary = await runDigests(services, { date: '2025-06-04' });
        await restart;
        expect(summary.retried).toBeGreaterThanOrEqual(SUBSCRIBERS);
        expect(summary).toMatchObject({ planned: SUBSCRIBERS, sent: SUBSCRIBERS, failed: 0, waiting: 0 });
        expectExactlyOnce(smtp, emails);
      } finally {
        await services.close();
      }
    });

    it('SMTP server stopped in the middle of a run and started again: all delivered, none twice', async () => {
      smtp.acceptDelayMs = 5;
      const services = await runnerServices(smtp.url, { DIGEST_RETRY_BASE_MS: '300' });
      const outage = smtp.waitFor(30, 60_000).then(async () => {
        await smtp.stop();
        await new Promise((r) => setTimeout(r, 1000));
        await smtp.start();
      });
      try {
        const summary = await runDigests(services, { date: '2025-06-04' });
        await outage;
        expect(summary.retried).toBeGreaterThan(0);
        expect(summary.failed).toBe(0);
        expect(summary.sent + summary.unconfirmed).toBe(SUBSCRIBERS);
        await new Promise((r) => setTimeout(r, 200));
        expectExactlyOnce(smtp, emails);
      } finally {
        await services.close();
      }
    });
  });
