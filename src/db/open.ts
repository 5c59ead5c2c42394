// Opens the configured store (src/services.ts does, for the server and every command).
import type { Config } from '../config.ts';
import { connect, type Database } from './connect.ts';
import { assertSchemaCurrent } from './migrate.ts';

export async function openDatabase(config: Config, options: { requireCurrentSchema?: boolean } = {}): Promise<Database> {
  const database = connect({ databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath, sqliteSynchronous: config.SQLITE_SYNCHRONOUS });
  if (options.requireCurrentSchema ?? true) {
    try {
      await assertSchemaCurrent(database);
    } catch (e) {
      await database.close();
      throw e;
    }
  }
  return database;
}
