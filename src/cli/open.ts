// Opens the configured store for a command or the server.
import type { Config } from '../config.ts';
import { connect, type Database } from '../db/connect.ts';
import { assertSchemaCurrent } from '../db/migrate.ts';

export async function openDatabase(config: Config, options: { requireCurrentSchema?: boolean } = {}): Promise<Database> {
  const database = connect({ databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath });
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
