// Applies pending migrations, each in its own transaction, and tells the server whether the schema is
// current. Both SQLite and PostgreSQL run DDL inside transactions, so a failed migration leaves nothing behind.
import { sql, type Kysely } from 'kysely';
import type { Database, DatabaseKind } from './connect.ts';
import { migrations, type Migration } from './migrations/index.ts';
import type { DB } from './schema.ts';

export const LATEST_SCHEMA_VERSION = Math.max(...migrations.map((m) => m.version));

export class SchemaOutdatedError extends Error {
  override name = 'SchemaOutdatedError';
}

async function ensureMigrationsTable(db: Kysely<DB>): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`.execute(db);
}

export async function appliedVersions(database: Database): Promise<number[]> {
  await ensureMigrationsTable(database.db);
  const rows = await database.db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
  return rows.map((r) => Number(r.version));
}

export interface MigrationResult {
  applied: { version: number; name: string }[];
  current: number;
}

export async function migrate(database: Database, onApply?: (m: { version: number; name: string }) => void): Promise<MigrationResult> {
  await ensureMigrationsTable(database.db);
  const done = new Set(await appliedVersions(database));
  const applied: { version: number; name: string }[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await database.db.transaction().execute(async (trx) => {
      if (database.kind === 'postgres') {
        // Two processes migrating at once: the second waits here, then finds the version recorded.
        await lockMigrations(trx);
        const again = await trx.selectFrom('schema_migrations').select('version').where('version', '=', m.version).executeTakeFirst();
        if (again) return;
      }
      await apply(trx, database.kind, m);
    });
    applied.push({ version: m.version, name: m.name });
    onApply?.(m);
  }
  return { applied, current: LATEST_SCHEMA_VERSION };
}

/**
 * Creates the whole schema of an empty store (one with no migration applied) in one transaction, and says
 * whether it did. A store that has any migration applied is left alone: upgrading it is the operator's
 * decision (`paperfeed migrate`). On PostgreSQL the check and the creation hold the migration lock, so
 * several processes starting on one empty database create it once, and none of them sees it half made.
 */
export async function createSchemaIfEmpty(database: Database): Promise<boolean> {
  return database.db.transaction().execute(async (trx) => {
    if (database.kind === 'postgres') await lockMigrations(trx);
    await ensureMigrationsTable(trx);
    if (await trx.selectFrom('schema_migrations').select('version').limit(1).executeTakeFirst()) return false;
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) await apply(trx, database.kind, m);
    return true;
  });
}

async function lockMigrations(trx: Kysely<DB>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7419265)`.execute(trx);
}

async function apply(trx: Kysely<DB>, kind: DatabaseKind, m: Migration): Promise<void> {
  await m.up(trx, kind);
  await trx.insertInto('schema_migrations').values({ version: m.version, name: m.name, applied_at: new Date().toISOString() }).execute();
}

/** Refuses to go on with a schema older (or newer) than this code expects. */
export async function assertSchemaCurrent(database: Database): Promise<void> {
  const versions = await appliedVersions(database);
  const current = versions.at(-1) ?? 0;
  const missing = migrations.filter((m) => !versions.includes(m.version));
  if (missing.length) {
    throw new SchemaOutdatedError(`the database schema is at version ${current}, this code needs ${LATEST_SCHEMA_VERSION}: run \`paperfeed migrate\``);
  }
  if (current > LATEST_SCHEMA_VERSION) {
    throw new SchemaOutdatedError(`the database schema (version ${current}) is newer than this code (${LATEST_SCHEMA_VERSION}): upgrade Paperfeed`);
  }
}
