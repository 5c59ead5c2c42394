// A harvest killed with SIGKILL in the middle of a token chain, then run again: every record ends up
// stored exactly once, and the rerun resumes at the page it had not stored (page one is not fetched again).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { getCursor } from '../../src/db/harvest.ts';
import { oaiCursorKey, type OaiCursor } from '../../src/ingest/arxiv-oai.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { oaiChain, oaiHandler, OAI_TOKENS } from '../helpers/harvest-fixtures.ts';
import { startReplayServer, type ReplayServer } from '../helpers/replay-server.ts';
import { DATA_SOURCES } from '../helpers/corpus.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/paperfeed.js');

function harvestChild(env: Record<string, string>): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, 'harvest', '--once', '--source', 'oai'], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

for (const source of DATA_SOURCES)
  describe.skipIf(!source.available).each(databaseKinds)(`harvest killed mid-chain on %s, ${source.label}`, (kind) => {
    let store: TestDatabase;
    let server: ReplayServer;
    let child: ChildProcess | undefined;
    afterEach(async () => {
      child?.kill('SIGKILL');
      await server?.close();
      await store?.drop();
    });

    it('resumes where it stopped and stores every record exactly once', async () => {
      const { pages, records } = oaiChain(source);
      const total = records[0] + records[1] + records[2];
      store = await createTestDatabase(kind);
      let killed: () => void = () => undefined;
      const killedNow = new Promise<void>((resolve) => (killed = resolve));
      // First run: the request for the second page never gets an answer; the test kills the process then.
      server = await startReplayServer(
        oaiHandler(pages, (page) => {
          if (page !== 1) return null;
          killed();
          return { hang: true };
        }),
      );
      const env = {
        ...store.env,
        ARXIV_OAI_URL: `${server.url}/oai`,
        ARXIV_CATEGORIES: 'cs.AI',
        ALLOW_PRIVATE_NETWORK: 'true',
        ARXIV_MIN_INTERVAL_MS: '0',
        JOB_LEASE_MS: '1500',
        LOG_LEVEL: 'info',
      };
      const first = harvestChild(env);
      child = first.child;
      await killedNow;
      first.child.kill('SIGKILL');
      const killedRun = await first.done;
      expect(killedRun.signal).toBe('SIGKILL');

      const count = async () =>
        Number((await sql<{ n: number; d: number }>`SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM papers`.execute(store.db)).rows[0].n);
      expect(await count()).toBe(records[0]);
      expect(await getCursor<OaiCursor>(store, oaiCursorKey('cs'))).toMatchObject({ token: OAI_TOKENS[0] });

      // Second run, same command: arXiv answers normally now.
      server.handler = oaiHandler(pages);
      const before = server.requests.length;
      const second = harvestChild(env);
      child = second.child;
      const rerun = await second.done;
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toMatch(/harvest-oai: ok/);
      // Resumed at the token it had reached: page one was not fetched again.
      expect(server.requests.slice(before).map((r) => r.query.get('resumptionToken'))).toEqual(OAI_TOKENS);
      const rows = (await sql<{ n: number; d: number }>`SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM papers`.execute(store.db)).rows[0];
      expect(Number(rows.n)).toBe(total);
      expect(Number(rows.d)).toBe(total);
      const authorDupes = await sql<{
        n: number;
      }>`SELECT COUNT(*) AS n FROM (SELECT paper_id, position FROM paper_authors GROUP BY paper_id, position HAVING COUNT(*) > 1) x`.execute(store.db);
      expect(Number(authorDupes.rows[0].n)).toBe(0);
      const runs = await store.db.selectFrom('job_runs').select(['status', 'attempt']).orderBy('started_at').execute();
      expect(runs.map((r) => r.status)).toEqual(['crashed', 'ok']);
    });
  });
