// Memoised listings stay exact: after a vote, a comment, a submission, an import, a moderation action, an approved
// authorship claim, a hidden comment, derived text from an index build and a GitHub star observation, the day page,
// its API list, trending and the category counts show the change at once — in the app that made the change and in a
// second app on its own connection to the same store (another process on PostgreSQL). Each app reads every page
// before each change, so a stale memo would be served if invalidation missed it. Every table is either under the
// change counter or named here as one no memoised read uses. The per-person state on cards (upvoted, saved) is laid
// over the shared, memoised card parts per request: two people never see each other's state, through the memo or the
// page cache.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createClaim } from '../../src/db/claims.ts';
import { addCollectionItem, createCollection } from '../../src/db/collections.ts';
import { addComment } from '../../src/db/comments.ts';
import { connect, type Database } from '../../src/db/connect.ts';
import { recordStarObservation } from '../../src/db/harvest.ts';
import { setSaved } from '../../src/db/library.ts';
import { listedPapersByIds } from '../../src/db/listings.ts';
import { LISTING_TABLES } from '../../src/db/migrations/016_change_counters.ts';
import { VIEWER_TABLE_EVENTS } from '../../src/db/migrations/018_viewer_state_counter.ts';
import { COLLECTION_TABLE_EVENTS } from '../../src/db/migrations/019_collections_counter.ts';
import { decideClaim, moderateComment, setPaperHidden } from '../../src/db/moderation.ts';
import { storeImportBatch } from '../../src/db/papers.ts';
import { saveDerivedText } from '../../src/db/search.ts';
import { createSession, revokeSessionByToken } from '../../src/db/sessions.ts';
import { recordSubmission } from '../../src/db/submissions.ts';
import { setRole, type User } from '../../src/db/users.ts';
import { setVote } from '../../src/db/votes.ts';
import { periodContaining } from '../../src/domain/periods.ts';
import { collectionPath } from '../../src/web/collections/shapes.ts';
import { createTestDatabase, databaseKinds, PG_URL, type TestDatabase } from '../helpers/db.ts';
import { makeDailyEntry, makePaper, makeUser } from '../helpers/factory.ts';
import { WebClient } from '../helpers/web-client.ts';
import { startTestServer, testApp, type TestApp } from '../web/server.ts';

const DAY = '2025-06-03';
const NOW = new Date(`${DAY}T12:00:00.000Z`);
const [P1, P2, P3, P4, P5] = ['2506.07001', '2506.07002', '2506.07003', '2506.07004', '2506.07005'];

/**
 * The tables no memoised read uses, and why: a write to one of them must not need to invalidate anything (and does
 * not, since they carry no trigger). A new table must be added here, or to LISTING_TABLES or VIEWER_TABLE_EVENTS with
 * its triggers.
 */
const NOT_READ_BY_MEMOISED_READS: Record<string, string> = {
  schema_migrations: 'the schema version',
  change_counters: 'the counter itself',
  paper_authors: 'author pages, read per request',
  author_names: 'author pages, read per request',
  votes: "a person's own votes, memoised under the counter that their totals (papers.community_upvotes) move",
  collection_items: 'collection pages, read per request',
  submissions: 'the submission log; a submission also writes daily_entries',
  github_repos: "the star refresh job's repository state; counts are papers.github_stars and star snapshots",
  login_tokens: 'sign-in state',
  api_tokens: 'sign-in state',
  app_secrets: 'keys',
  comment_reports: 'moderation queue, read per request',
  moderation_log: 'moderation log, read per request',
  subscriptions: 'digests',
  digest_deliveries: 'digests',
  mail_queue: 'outgoing mail',
  job_leases: 'scheduler',
  job_runs: 'scheduler (a stale home page rereads the harvest state every 5 s)',
  harvest_cursors: 'harvest state',
  service_pacing: 'harvest state',
  index_requests: 'index queue',
  index_fetches: 'index queue',
  index_request_lock: 'index queue',
  rate_limit_hits: 'rate limits',
  recommendation_models: 'For you, read per request',
};

interface Seen {
  /** id → the API list's item. */
  api: Map<string, any>;
  total: number;
  dayPage: string;
  trending: string;
  /** Anonymous paper pages, by id (page templates, components/templated-page.ts). */
  paperPages: Record<string, string>;
}

async function look(app: TestApp): Promise<Seen> {
  const res = await app.app.request(`/api/daily_papers?date=${DAY}`);
  expect(res.status).toBe(200);
  const items = (await res.json()) as any[];
  const api = new Map(items.map((i) => [i.paper.id as string, { ...i, upvotes: i.paper.upvotes, comments: i.numComments }]));
  const dayPage = await (await app.app.request(`/papers/date/${DAY}`)).text();
  const trending = await (await app.app.request('/papers/trending')).text();
  const paperPages: Record<string, string> = {};
  for (const id of [P2, P3]) paperPages[id] = await (await app.app.request(`/papers/${id}`)).text();
  return { api, total: Number(res.headers.get('x-total-count')), dayPage, trending, paperPages };
}

/** The count on a category's filter chip. */
function chipCount(html: string, category: string): number | null {
  const m = new RegExp(`${category.replace('.', '\\.')} <span class="muted">\\((\\d+)\\)`).exec(html);
  return m ? Number(m[1]) : null;
}

/** One paper's card in a list page. */
function cardOf(html: string, id: string): string {
  const start = html.indexOf(`<li class="paper-card" id="card-${id.replace('.', '-')}"`);
  expect(start).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</li>', start));
}

function secondConnection(db: TestDatabase): Database {
  return db.kind === 'sqlite' ? connect({ sqlitePath: db.location }) : connect({ databaseUrl: PG_URL, pgSchema: db.location });
}

async function listingsVersion(db: Database): Promise<number> {
  const row = await db.db.selectFrom('change_counters').select('version').where('name', '=', 'listings').executeTakeFirstOrThrow();
  return Number(row.version);
}

/** Two apps on their own connections to one store, each checked after every change. */
async function appsOn(db: TestDatabase, other: Database) {
  const env = { PAGE_CACHE_SECONDS: '0' };
  const apps = [await testApp(db, { now: NOW, env }), await testApp(other, { now: NOW, env })];
  return async (check: (s: Seen) => void) => {
    for (const app of apps) check(await look(app));
  };
}

for (const kind of databaseKinds) {
  describe(`memoised listings on ${kind}`, () => {
    let db: TestDatabase;
    let other: Database | undefined;
    afterEach(async () => {
      await other?.close();
      other = undefined;
      await db?.drop();
    });

    it('change after a vote, comment, submission, import and moderation, in this app and in one on another connection', async () => {
      db = await createTestDatabase(kind);
      other = secondConnection(db);
      await storeImportBatch(
        db,
        [
          makePaper({ id: P1, categories: ['cs.LG'] }),
          makePaper({ id: P2, categories: ['cs.LG'] }),
          makePaper({ id: P3, categories: ['cs.CL'] }),
          makePaper({ id: P4, categories: ['cs.LG'] }),
        ],
        [P1, P2, P3].map((paperId, i) => makeDailyEntry({ paperId, day: DAY, upvotes: 10 - i })),
      );
      const everywhere = await appsOn(db, other);
      const reader = await makeUser(db);
      const moderator: User = await makeUser(db);
      await setRole(db, moderator.id, 'moderator');

      await everywhere((s) => {
        expect([...s.api.keys()]).toEqual([P1, P2, P3]);
        expect(s.api.get(P2)!.upvotes).toBe(9);
        expect(s.total).toBe(3);
        expect(chipCount(s.dayPage, 'cs.LG')).toBe(2);
        expect(s.trending).toContain(`/papers/${P3}`);
      });

      // Two votes take the third paper from 8 to 10 upvotes, level with the first and ahead of it by id.
      await setVote(db, reader.id, P3, true);
      await setVote(db, moderator.id, P3, true);
      await everywhere((s) => {
        expect(s.api.get(P3)!.upvotes).toBe(10);
        expect([...s.api.keys()]).toEqual([P3, P1, P2]);
        expect(cardOf(s.trending, P3)).toContain('10 upvotes');
        expect(cardOf(s.dayPage, P3)).toContain('>10<');
        expect(s.paperPages[P3]).toContain('<strong>10</strong> upvotes');
      });

      await addComment(db, { paperId: P2, userId: reader.id, body: 'A question about the bound.' });
      await everywhere((s) => {
        expect(s.api.get(P2)!.comments).toBe(1);
        expect(cardOf(s.dayPage, P2)).toContain('1 comment');
        expect(s.paperPages[P2]).toContain('A question about the bound.');
      });

      await recordSubmission(db, { userId: reader.id, username: reader.username, paperId: P4, day: DAY, maxPerDay: 5 }, NOW);
      await everywhere((s) => {
        expect(s.api.has(P4)).toBe(true);
        expect(s.total).toBe(4);
        expect(chipCount(s.dayPage, 'cs.LG')).toBe(3);
        expect(s.dayPage).toContain(`/papers/${P4}`);
      });

      await storeImportBatch(
        db,
        [makePaper({ id: P5, title: 'Imported later', categories: ['cs.LG'] })],
        [makeDailyEntry({ paperId: P5, day: DAY, upvotes: 50 })],
      );
      await everywhere((s) => {
        expect([...s.api.keys()][0]).toBe(P5);
        expect(s.api.get(P5)!.title).toBe('Imported later');
        expect(s.dayPage).toContain('Imported later');
        expect(s.trending).toContain('Imported later');
      });

      await setPaperHidden(db, moderator.id, P5, true, 'spam');
      await everywhere((s) => {
        expect(s.api.has(P5)).toBe(false);
        expect(s.total).toBe(4);
        expect(s.dayPage).not.toContain('Imported later');
        expect(s.trending).not.toContain('Imported later');
        expect(chipCount(s.dayPage, 'cs.LG')).toBe(3);
      });

      // The change made through the second connection is seen by the first app as well.
      await setVote(other, reader.id, P1, true);
      await everywhere((s) => expect(s.api.get(P1)!.upvotes).toBe(11));
    });

    it('change after a claim is approved, a comment is hidden, derived text is stored, stars are observed, a paper is saved and a collection changes', async () => {
      db = await createTestDatabase(kind);
      other = secondConnection(db);
      await storeImportBatch(
        db,
        [makePaper({ id: P1, codeUrl: 'https://github.com/acme/bound' }), makePaper({ id: P2 }), makePaper({ id: P3 })],
        [P1, P2, P3].map((paperId, i) => makeDailyEntry({ paperId, day: DAY, upvotes: 10 - i })),
      );
      const everywhere = await appsOn(db, other);
      const [reader, moderator] = [await makeUser(db), await makeUser(db)];
      await setRole(db, moderator.id, 'moderator');
      const comment = await addComment(db, { paperId: P2, userId: reader.id, body: 'Is the bound tight?' });
      await everywhere((s) => {
        expect(s.api.get(P1).paper.authors[0].user).toBeUndefined();
        expect(s.api.get(P2).comments).toBe(1);
        expect(s.api.get(P3).paper.ai_keywords).toBeUndefined();
        expect(cardOf(s.dayPage, P1)).not.toContain('★');
      });

      const claim = await createClaim(db, { userId: reader.id, paperId: P1, position: 0 });
      await decideClaim(db, moderator.id, claim.id, true);
      await everywhere((s) => expect(s.api.get(P1).paper.authors[0].user?.user).toBe(reader.username));

      await moderateComment(db, moderator.id, comment.id, true, 'off topic');
      await everywhere((s) => {
        expect(s.api.get(P2).comments).toBe(0);
        expect(cardOf(s.dayPage, P2)).toContain('0 comments');
      });

      await saveDerivedText(db, [{ id: P3, keywords: ['error bound'], tldr: 'We bound the error.', from: NOW.toISOString() }], 1);
      await everywhere((s) => expect(s.api.get(P3).paper.ai_keywords).toEqual(['error bound']));

      await recordStarObservation(db, { repo: 'acme/bound', observedAt: NOW.toISOString(), stars: 1234, etag: null, status: 'ok' });
      await everywhere((s) => {
        expect(cardOf(s.dayPage, P1)).toContain('code (1.2k ★)');
        expect(cardOf(s.trending, P1)).toContain('1.2k GitHub stars');
      });

      // A save moves the counter (a person's saves are memoised under it, migration 18), and so does each change
      // to a collection (a person's collections are, migration 19): making one, and adding a paper to it.
      const before = await listingsVersion(db);
      await setSaved(db, reader.id, P1, true);
      const saved = await listingsVersion(db);
      expect(saved).toBeGreaterThan(before);
      const collection = await createCollection(db, reader.id, { title: 'Bounds' });
      const made = await listingsVersion(db);
      expect(made).toBeGreaterThan(saved);
      await addCollectionItem(db, collection, P2, 'the tight one');
      expect(await listingsVersion(db)).toBeGreaterThan(made);
    });

    it('puts every table under the change counter or among those no memoised read uses', async () => {
      db = await createTestDatabase(kind);
      const tables = (await db.db.introspection.getTables())
        // On PostgreSQL, only this store's schema (other tests' schemas sit beside it).
        .filter((t) => (kind === 'sqlite' || t.schema === db.location) && !t.name.startsWith('kysely_'))
        .map((t) => t.name);
      const viewerTables = [...VIEWER_TABLE_EVENTS, ...COLLECTION_TABLE_EVENTS].map(([table]) => table);
      expect(tables.sort()).toEqual([...LISTING_TABLES, ...viewerTables, ...Object.keys(NOT_READ_BY_MEMOISED_READS)].sort());
      const triggers =
        kind === 'sqlite'
          ? await sql<{ table: string }>`SELECT tbl_name AS "table" FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'bump_listings_%'`.execute(db.db)
          : await sql<{ table: string }>`SELECT event_object_table AS "table" FROM information_schema.triggers
              WHERE trigger_schema = current_schema() AND trigger_name LIKE 'bump_listings_%'`.execute(db.db);
      // Each listing table: three row triggers on SQLite (insert, update, delete), one trigger for all three on
      // PostgreSQL, which lists it once per event; each viewer table, one per event it watches.
      const perTable = new Map<string, number>();
      for (const { table } of triggers.rows) perTable.set(table, (perTable.get(table) ?? 0) + 1);
      expect(Object.fromEntries([...perTable].sort())).toEqual(
        Object.fromEntries(
          [
            ...LISTING_TABLES.map((t) => [t, 3] as const),
            ...[...VIEWER_TABLE_EVENTS, ...COLLECTION_TABLE_EVENTS].map(([t, events]) => [t, events.length] as const),
          ].sort(),
        ),
      );
    });

    it('lays each person’s own upvotes and saves over the shared cards, through the memo and the page cache', async () => {
      db = await createTestDatabase(kind);
      await storeImportBatch(
        db,
        [makePaper({ id: P1 }), makePaper({ id: P2 }), makePaper({ id: P3 })],
        [P1, P2, P3].map((paperId, i) => makeDailyEntry({ paperId, day: DAY, upvotes: 10 - i })),
      );
      const [alice, bob] = [await makeUser(db), await makeUser(db)];
      const collection = await createCollection(db, alice.id, { title: 'Read next' });
      for (const id of [P1, P2, P3]) await addCollectionItem(db, collection, id, null);
      await setVote(db, alice.id, P1, true);
      await setSaved(db, alice.id, P1, true);
      // The page cache is on (its default), so an anonymous copy of every page is kept and must reach nobody else.
      const server = await startTestServer(db, { now: NOW });
      try {
        const pages = ['/', `/papers/date/${DAY}`, `/papers/week/${periodContaining('week', DAY).key}`, '/papers/trending', collectionPath(collection)];
        const visitor = async (user: User | null) => {
          const client = new WebClient(server.url);
          if (user) client.cookies.set('pf_session', (await createSession(db, user.id, { ttlMs: 3_600_000 })).token);
          return client;
        };
        /** Per page, per paper: [upvoted, saved] as the controls say; null where there is no control but a sign-in link. */
        const statesOf = async (client: WebClient) => {
          const out: Record<string, Record<string, [string | null, string | null]>> = {};
          const tokens = new Set<string>();
          const controls = (html: string): [string | null, string | null] => [
            /class="upvote(?: upvoted)?" aria-pressed="(true|false)"/.exec(html)?.[1] ?? null,
            /class="save(?: saved)?" aria-pressed="(true|false)"/.exec(html)?.[1] ?? null,
          ];
          for (const page of pages) {
            const html = await (await client.get(page)).text();
            for (const m of html.matchAll(/name="_csrf" value="([^"]+)"/g)) tokens.add(m[1]);
            out[page] = Object.fromEntries([P1, P2, P3].map((id) => [id, controls(cardOf(html, id))]));
          }
          for (const id of [P1, P2]) {
            const html = await (await client.get(`/papers/${id}`)).text();
            for (const m of html.matchAll(/name="_csrf" value="([^"]+)"/g)) tokens.add(m[1]);
            out[`/papers/${id}`] = { [id]: controls(html.slice(0, html.indexOf('<h2>Abstract</h2>'))) };
          }
          return { states: out, tokens };
        };
        const expectEverywhere = (states: Awaited<ReturnType<typeof statesOf>>['states'], want: Record<string, [string | null, string | null]>) => {
          for (const [page, cards] of Object.entries(states)) {
            for (const [id, state] of Object.entries(cards)) expect({ page, id, state }).toEqual({ page, id, state: want[id] });
          }
        };
        const anonymous = await visitor(null);
        const [asAlice, asBob] = [await visitor(alice), await visitor(bob)];

        expectEverywhere((await statesOf(anonymous)).states, { [P1]: [null, null], [P2]: [null, null], [P3]: [null, null] });
        const seenByAlice = await statesOf(asAlice);
        expectEverywhere(seenByAlice.states, { [P1]: ['true', 'true'], [P2]: ['false', 'false'], [P3]: ['false', 'false'] });
        const seenByBob = await statesOf(asBob);
        expectEverywhere(seenByBob.states, { [P1]: ['false', 'false'], [P2]: ['false', 'false'], [P3]: ['false', 'false'] });
        // Bob's forms carry his own CSRF token, never one rendered for Alice.
        expect(seenByBob.tokens.size).toBe(1);
        expect([...seenByBob.tokens].some((t) => seenByAlice.tokens.has(t))).toBe(false);
        // Alice in a second browser (another session and CSRF cookie): her own states, with that browser's token,
        // never one from the pages kept for her first browser.
        const aliceElsewhere = await statesOf(await visitor(alice));
        expectEverywhere(aliceElsewhere.states, { [P1]: ['true', 'true'], [P2]: ['false', 'false'], [P3]: ['false', 'false'] });
        expect(aliceElsewhere.tokens.size).toBe(1);
        expect([...aliceElsewhere.tokens].some((t) => seenByAlice.tokens.has(t))).toBe(false);
        expectEverywhere((await statesOf(anonymous)).states, { [P1]: [null, null], [P2]: [null, null], [P3]: [null, null] });

        // Bob saves the second paper: his cards show it, Alice's and the anonymous ones do not. His session and
        // his marks were memoised; the save's trigger (migration 18) retires them.
        await setSaved(db, bob.id, P2, true);
        expectEverywhere((await statesOf(asBob)).states, { [P1]: ['false', 'false'], [P2]: ['false', 'true'], [P3]: ['false', 'false'] });
        expectEverywhere((await statesOf(asAlice)).states, { [P1]: ['true', 'true'], [P2]: ['false', 'false'], [P3]: ['false', 'false'] });
        expectEverywhere((await statesOf(anonymous)).states, { [P1]: [null, null], [P2]: [null, null], [P3]: [null, null] });

        // Alice makes a second collection elsewhere: the paper page offers it at once (her collections are
        // memoised; the collection's trigger, migration 19, retires them).
        const collectOptions = async (client: WebClient) =>
          [
            ...(/<select id="collect-into"[^>]*>(.*?)<\/select>/s.exec(await (await client.get(`/papers/${P1}`)).text())?.[1] ?? '').matchAll(
              />([^<]+)<\/option>/g,
            ),
          ].map((m) => m[1]);
        expect(await collectOptions(asAlice)).toEqual(['Read next']);
        await createCollection(db, alice.id, { title: 'Later' });
        expect(await collectOptions(asAlice)).toEqual(['Later', 'Read next']);

        // Alice's session ends elsewhere (a sign-out in another process deletes its row): her memoised session is
        // retired with it, and her next request here is anonymous.
        await revokeSessionByToken(db, asAlice.cookies.get('pf_session')!);
        expectEverywhere((await statesOf(asAlice)).states, { [P1]: [null, null], [P2]: [null, null], [P3]: [null, null] });
      } finally {
        await server.close();
      }
    });
  });
}

describe('memoised reads and transactions on this connection (sqlite)', () => {
  let db: TestDatabase;
  afterEach(async () => db?.drop());

  it('keeps nothing read while a transaction that rolls back was open on the same connection', async () => {
    db = await createTestDatabase('sqlite');
    await storeImportBatch(db, [makePaper({ id: P1, title: 'First title' })], []);
    expect((await listedPapersByIds(db, [P1]))[0].paper.title).toBe('First title');
    let during: ReturnType<typeof listedPapersByIds> | undefined;
    await expect(
      db.db.transaction().execute(async (trx) => {
        // The update bumps the counter inside the transaction; a read asked for now waits for the connection.
        await trx.updateTable('papers').set({ title: 'Rolled back' }).where('id', '=', P1).execute();
        during = listedPapersByIds(db, [P1]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await during!)[0].paper.title).toBe('First title');
    // The counter is back where it was; the next change takes it to the number seen inside the transaction.
    await db.db.updateTable('papers').set({ title: 'Committed title' }).where('id', '=', P1).execute();
    expect((await listedPapersByIds(db, [P1]))[0].paper.title).toBe('Committed title');
  });
});
