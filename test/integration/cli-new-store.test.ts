// The commands a newcomer runs on a new data dir or an empty database, before any `serve` or `migrate`:
// `import`, `index` and `harvest --once` create the schema of an empty store as `serve` does, and still refuse
// an outdated one with the message that says to run `paperfeed migrate`. Real child processes, SQLite and
// PostgreSQL.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedVersions, LATEST_SCHEMA_VERSION } from '../../src/db/migrate.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { CORPUS, FIXTURES } from '../helpers/corpus.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { oaiChain, oaiHandler } from '../helpers/harvest-fixtures.ts';
import { startReplayServer, type ReplayServer } from '../helpers/replay-server.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/paperfeed.js');
const run = promisify(execFile);

let stores: TestDatabase[] = [];
let servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(stores.map((s) => s.drop()));
  stores = [];
  servers = [];
});

async function store(kind: (typeof databaseKinds)[number], migratedUpTo?: number): Promise<TestDatabase> {
  const s = await createTestDatabase(kind, { migrated: false });
  stores.push(s);
  if (migratedUpTo !== undefined) {
    // An older release's store: only the first migrations applied, as that release's `migrate` left it.
    await sql`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`.execute(s.db);
    for (const m of migrations.filter((m) => m.version <= migratedUpTo)) {
      await m.up(s.db, kind);
      await s.db.insertInto('schema_migrations').values({ version: m.version, name: m.name, applied_at: new Date().toISOString() }).execute();
    }
  }
  return s;
}

async function paperfeed(s: TestDatabase, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...s.env, ...env },
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function countPapers(s: TestDatabase): Promise<number> {
  const row = await s.db
    .selectFrom('papers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function harvestEnv(): Promise<{ env: Record<string, string>; records: number }> {
  const { pages, records } = oaiChain(FIXTURES);
  const oai = await startReplayServer(oaiHandler(pages));
  servers.push(oai);
  return {
    env: { ARXIV_OAI_URL: `${oai.url}/oai`, ARXIV_CATEGORIES: 'cs.AI', ALLOW_PRIVATE_NETWORK: 'true', ARXIV_MIN_INTERVAL_MS: '0' },
    records: records.reduce((a, b) => a + b, 0),
  };
}

for (const kind of databaseKinds) {
  describe(`a new store (${kind})`, () => {
    it('`import` creates the schema and imports', async () => {
      const s = await store(kind);
      const result = await paperfeed(s, ['import', path.join(CORPUS, 'arxiv-daily-listings')]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('created the schema of an empty store');
      expect(result.stdout).toMatch(/^inserted +43$/m);
      expect(await appliedVersions(s)).toEqual(migrations.map((m) => m.version));
      expect(await countPapers(s)).toBe(43);
    }, 60_000);

    it('`index` creates the schema and builds an index of no papers', async () => {
      const s = await store(kind);
      const result = await paperfeed(s, ['index', '--no-keyphrases']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^indexed 0 papers/m);
      expect(await appliedVersions(s)).toEqual(migrations.map((m) => m.version));
    }, 60_000);

    it('`harvest --once` creates the schema and harvests', async () => {
      const s = await store(kind);
      const { env, records } = await harvestEnv();
      const result = await paperfeed(s, ['harvest', '--once', '--source', 'oai'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^harvest-oai: ok in /m);
      expect(await countPapers(s)).toBe(records);
    }, 60_000);

    it('an outdated store is refused by each of them with the message that says what to run, and left as it was', async () => {
      const s = await store(kind, 2);
      const { env } = await harvestEnv();
      for (const args of [
        ['import', path.join(CORPUS, 'arxiv-daily-listings')],
        ['index', '--no-keyphrases'],
        ['harvest', '--once', '--source', 'oai'],
      ]) {
        const result = await paperfeed(s, args, env);
        expect(result.code, `${args[0]}: ${result.stdout}`).toBe(1);
        expect(result.stderr).toBe(
          `paperfeed ${args[0]}: the database schema is at version 2, this code needs ${LATEST_SCHEMA_VERSION}: run \`paperfeed migrate\`\n`,
        );
      }
      expect(await appliedVersions(s)).toEqual([1, 2]);
    }, 90_000);
  });
}
