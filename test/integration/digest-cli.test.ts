// `paperfeed digest` through the CLI entry point: usage errors with exit 2, a dry run that prints and records
// nothing, and a real run into the .eml outbox when no SMTP_URL is configured.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { deliveryStatusCounts } from '../../src/db/subscriptions.ts';
import { loadConfig } from '../../src/config.ts';
import { findJob } from '../../src/jobs/schedule.ts';
import { testServices } from '../helpers/services.ts';
import { main } from '../../src/main.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { DATA_SOURCES } from '../helpers/corpus.ts';
import { addSubscriber, loadDigestPapers, SECRET_KEY } from '../helpers/digest-world.ts';
import { captureOutput } from '../helpers/capture.ts';

for (const source of DATA_SOURCES)
  describe.skipIf(!source.available)(`paperfeed digest on ${source.label}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('sqlite');
      await loadDigestPapers(database, source);
      await addSubscriber(database, 'ada@example.org', { interests: ['diffusion models'] });
      await addSubscriber(database, 'bob@example.org', { frequency: 'weekly' });
    });
    afterAll(async () => {
      await database.drop();
    });

    const run = async (args: string[]) => {
      const out = captureOutput();
      const err = captureOutput();
      const code = await main(['digest', ...args], {
        stdout: out.stream,
        stderr: err.stream,
        env: { ...database.env, SECRET_KEY, LOG_LEVEL: 'silent', EMBEDDER: 'none', DERIVE_TEXT: 'false' },
      });
      return { code, stdout: out.text(), stderr: err.text() };
    };

    it('refuses bad options with exit 2 and says why', async () => {
      expect(await run(['--date', '2025-02-30'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no such date') });
      expect(await run(['--frequency', 'hourly'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--frequency must be daily or weekly') });
      expect(await run(['--nonsense'])).toMatchObject({ code: 2 });
    });

    it('--dry-run prints every digest it would send and changes nothing', async () => {
      const r = await run(['--dry-run', '--date', '2025-06-04']);
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines.filter((l) => l.startsWith('would send\t'))).toHaveLength(2);
      expect(r.stdout).toMatch(/would send\t2025-06-04\tada@example\.org\tDaily papers on diffusion models: Wednesday, 4 June 2025\t10 papers: /);
      expect(r.stdout).toMatch(/would send\t2025-W23\tbob@example\.org\tWeekly papers: Week 22 of 2025/);
      expect(lines.at(-1)).toBe('dry run: 2 digests would be sent (outbox); nothing was sent or recorded');
      expect(await deliveryStatusCounts(database)).toEqual({});
    });

    it('without SMTP_URL writes the digests into the outbox, once', async () => {
      const first = await run(['--date', '2025-06-04']);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^digests via outbox: planned 2, sent 2,/);
      const again = await run(['--date', '2025-06-04']);
      expect(again.stdout).toMatch(/planned 0, sent 0,/);
      const outbox = path.join(database.env.PAPERFEED_DATA_DIR, 'outbox');
      const files = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(2);
      const mails = await Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(outbox, f)))));
      expect(mails.map((m) => (m.to && 'value' in m.to ? m.to.value[0].address : '')).sort()).toEqual(['ada@example.org', 'bob@example.org']);
      expect(mails.every((m) => m.text && m.html && m.headerLines.some((h) => h.line === 'List-Unsubscribe-Post: List-Unsubscribe=One-Click'))).toBe(true);
    });

    it("the scheduler's digest job sends what is due now", async () => {
      // Weekly from 00:00 UTC is due at any moment of a week; the clock is set in the stored papers' weeks (a week
      // without papers would send nothing: empty digests are never mailed).
      await addSubscriber(database, 'cyd@example.org', { frequency: 'weekly', sendHour: 0 });
      const job = findJob('digest')!;
      const config = loadConfig({ ...database.env, SECRET_KEY, EMBEDDER: 'none', DERIVE_TEXT: 'false' });
      expect(job.enabled(config)).toBe(true);
      const services = await testServices(config, database, { now: new Date('2025-06-04T12:00:00Z') });
      const counts = await job.run(services);
      expect(counts.planned).toBeGreaterThanOrEqual(1);
      expect(counts).toMatchObject({ sent: counts.planned, failed: 0, waiting: 0 });
      expect((await job.run(services)).planned).toBe(0);
      await services.close();
    });
  });
