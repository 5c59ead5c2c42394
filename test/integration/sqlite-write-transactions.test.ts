// Two connections to one SQLite file, as the app thread and a search-index worker thread (or two processes)
// have: a transaction that reads and then writes must commit even when the other connection wants to write
// in between. With a deferred BEGIN, the other write lands first and ours fails with SQLITE_BUSY at once.
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Database } from '../../src/db/connect.ts';
import { tempDir } from '../helpers/db.ts';

describe('SQLite write transactions', () => {
  const open: Database[] = [];
  afterEach(async () => {
    for (const database of open.splice(0)) await database.close();
  });

  it('take the write lock first, so a read-then-write transaction is never refused by a writer that came between', async () => {
    const file = path.join(tempDir(), 'two-connections.sqlite');
    const ours = connect({ sqlitePath: file });
    const other = connect({ sqlitePath: file });
    open.push(ours, other);
    await sql`create table counters (id integer primary key, n integer not null)`.execute(ours.db);
    await sql`insert into counters values (1, 0)`.execute(ours.db);
    // The other connection gives up quickly rather than block this test's only thread for the default 10 s.
    await sql`pragma busy_timeout = 50`.execute(other.db);

    let otherWrite: unknown = 'not tried';
    await ours.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ n: number }>`select n from counters where id = 1`.execute(trx);
      otherWrite = await sql`update counters set n = n + 100 where id = 1`.execute(other.db).then(
        () => 'written',
        (e: { code?: string }) => e.code,
      );
      await sql`update counters set n = ${rows[0].n + 1} where id = 1`.execute(trx);
    });
    // The other writer waited for the lock (and, with its short timeout, gave up) instead of slipping in.
    expect(otherWrite).toBe('SQLITE_BUSY');
    // Once ours committed, it writes normally.
    await sql`update counters set n = n + 100 where id = 1`.execute(other.db);
    const { rows } = await sql<{ n: number }>`select n from counters where id = 1`.execute(ours.db);
    expect(rows[0].n).toBe(101);
  });
});
