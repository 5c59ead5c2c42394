// Opens the system of record: an embedded SQLite file by default, PostgreSQL when DATABASE_URL says so.
// This is the only module that imports the database drivers.
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, Kysely, PostgresDialect, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';
import pg from 'pg';
import { type Memo, StoreMemo, unmemoised } from './memo.ts';
import type { DB } from './schema.ts';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /** Listing reads memoised until the store's listings change counter moves (src/db/memo.ts). */
  memo: Memo;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** postgres://… or omitted for SQLite. */
  databaseUrl?: string;
  /** SQLite file path; ':memory:' for a throwaway store. */
  sqlitePath?: string;
  /** PostgreSQL schema to use instead of public (tests use one schema each). */
  pgSchema?: string;
  poolSize?: number;
  /** SQLite's synchronous pragma: NORMAL (crash-safe in WAL mode) or FULL (also safe against power loss). */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
}

// COUNT(*) and BIGINT come back from pg as strings; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export function connect(options: ConnectOptions): Database {
  if (options.databaseUrl) return connectPostgres(options);
  return connectSqlite(options.sqlitePath ?? ':memory:', options.sqliteSynchronous ?? 'NORMAL');
}

/**
 * Runs `work` in one transaction, handing it a Database over that transaction, so functions of several
 * modules (a sign-in link and the mail that carries it) commit together or not at all. The functions it
 * calls must not open transactions of their own.
 */
export function withTransaction<T>(database: Database, work: (trx: Database) => Promise<T>): Promise<T> {
  // Reads inside the transaction see its uncommitted writes, which must never be memoised for others.
  return database.db.transaction().execute((trx) => work({ db: trx, kind: database.kind, memo: unmemoised, close: async () => {} }));
}

function connectSqlite(file: string, synchronous: 'NORMAL' | 'FULL'): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  // WAL lets readers go on while a writer imports. NORMAL sync is durable across process crashes in WAL mode,
  // but the last commits before a power loss may be lost; FULL syncs every commit (SQLITE_SYNCHRONOUS).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<DB>({ dialect: new WriteFirstSqliteDialect({ database: withStatementCache(sqlite) }) });
  // Read on every memoised request, so straight through the driver: a few microseconds rather than a query build.
  let versionQuery: SqliteDatabase.Statement | undefined;
  const readVersion = async () => {
    // This connection is the one writers use: inside a transaction it would show that transaction's own bump, and a
    // value memoised under it would outlive a rollback (the counter would return to the old number, then reach the
    // same number again with other contents). Readers that ask meanwhile compute for themselves.
    if (sqlite.inTransaction) return null;
    versionQuery ??= sqlite.prepare(LISTINGS_VERSION_SQL).pluck();
    return Number(versionQuery.get());
  };
  return {
    db,
    kind: 'sqlite',
    memo: new StoreMemo(readVersion),
    close: () => db.destroy(),
  };
}

/** The listings change counter (migration 16), bumped by triggers on every table listings read. */
const LISTINGS_VERSION_SQL = "SELECT version FROM change_counters WHERE name = 'listings'";

/**
 * SQLite transactions that take the write lock when they begin (BEGIN IMMEDIATE). Kysely's plain BEGIN is
 * deferred: a transaction that reads and then writes holds only a read snapshot until its first write, and if
 * another connection (a search-index worker thread, a second process) committed meanwhile, that write fails
 * at once with SQLITE_BUSY: busy_timeout cannot help, the snapshot is stale. Taking the lock first makes the
 * second writer wait its turn instead. Our transactions are there to write, so nothing is lost by it.
 */
class WriteFirstSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new WriteFirstSqliteDriver(this.settings);
  }
}

class WriteFirstSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

// Kysely prepares every query it runs; compiling the same SQL again costs more than running a small query.
const STATEMENT_CACHE_SIZE = 500;

/** The same database handle, but `prepare` reuses compiled statements (least recently used ones are dropped). */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  const prepare = (source: string): SqliteDatabase.Statement => {
    const cached = cache.get(source);
    // A statement still being iterated (a streamed query) cannot run again until it finishes.
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = sqlite.prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function connectPostgres(options: ConnectOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    ...(options.pgSchema ? { options: `-c search_path=${quoteIdent(options.pgSchema)}` } : {}),
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const readVersion = async () => Number((await pool.query(LISTINGS_VERSION_SQL)).rows[0]?.version);
  return { db, kind: 'postgres', memo: new StoreMemo(readVersion), close: () => db.destroy() };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad schema name ${name}`);
  return name;
}
