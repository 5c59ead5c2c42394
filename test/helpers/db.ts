// Real databases for tests: a SQLite file per test copied from a migrated template, and, when
// PAPERFEED_TEST_PG_URL is set (CI sets it), a fresh PostgreSQL schema per test on a real server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { connect, type Database, type DatabaseKind } from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrate.ts';

export const PG_URL = process.env.PAPERFEED_TEST_PG_URL;

/** The kinds every storage test runs against: always SQLite, PostgreSQL when a server is configured. */
export const databaseKinds: DatabaseKind[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
if (!PG_URL && !process.env.PAPERFEED_PG_NOTICE_SHOWN) {
  process.env.PAPERFEED_PG_NOTICE_SHOWN = '1';
  console.warn('PAPERFEED_TEST_PG_URL is not set: PostgreSQL variants of storage tests are skipped (with CI=true the run fails instead).');
}

let templatePath: string | null = null;

/** A new directory inside the test run's folder (test/global-setup.ts), which goes when the run ends. */
export function tempDir(prefix = 'paperfeed-test-'): string {
  return fs.mkdtempSync(path.join(process.env.PAPERFEED_TEST_TMP ?? os.tmpdir(), prefix));
}

async function sqliteTemplate(): Promise<string> {
  if (templatePath) return templatePath;
  const file = path.join(tempDir('paperfeed-template-'), 'template.sqlite');
  const database = connect({ sqlitePath: file });
  await migrate(database);
  await database.close();
  templatePath = file;
  return file;
}

export interface TestDatabase extends Database {
  /** SQLite: the file path; PostgreSQL: the schema name. */
  location: string;
  /** Environment that points a child `paperfeed` process at this same store. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, migrated store of the given kind. */
export async function createTestDatabase(kind: DatabaseKind = 'sqlite', options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (kind === 'sqlite') {
    const dir = tempDir();
    const file = path.join(dir, 'paperfeed.sqlite');
    if (migrated) fs.copyFileSync(await sqliteTemplate(), file);
    const database = connect({ sqlitePath: file });
    return {
      ...database,
      location: file,
      env: { PAPERFEED_DATA_DIR: dir },
      async drop() {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!PG_URL) throw new Error('PAPERFEED_TEST_PG_URL is not set');
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const database = connect({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 20 });
  if (migrated) await migrate(database);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    ...database,
    location: schema,
    env: { DATABASE_URL: url.toString() },
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}
