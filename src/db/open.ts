// Opens the configured store (src/services.ts does, for the server and every command).
import type { Config } from '../config.ts';
import { connect, type Database } from './connect.ts';
import { assertSchemaCurrent, createSchemaIfEmpty } from './migrate.ts';

/**
 * What opening does with the schema:
 * - 'current': refuse a store whose schema is not the one this code needs (commands that only read);
 * - 'create-if-empty': create the schema of an empty store, so a new data dir or database just works, and
 *   refuse an outdated one like 'current' (serve and the commands that fill a store);
 * - 'unchecked': leave it as it is (`migrate`).
 */
export type SchemaPolicy = 'current' | 'create-if-empty' | 'unchecked';

export interface OpenOptions {
  schema?: SchemaPolicy;
  /** Told when an empty store's schema was created, for a log line. */
  onSchemaCreated?: () => void;
}

export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<Database> {
  const database = connect({ databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath, sqliteSynchronous: config.SQLITE_SYNCHRONOUS });
  const policy = options.schema ?? 'current';
  try {
    if (policy === 'create-if-empty' && (await createSchemaIfEmpty(database))) options.onSchemaCreated?.();
    if (policy !== 'unchecked') await assertSchemaCurrent(database);
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}
