// Memoised listings stay exact: after a vote, a comment, a submission, an import and a moderation action, the day
// page, its API list, trending and the category counts show the change at once — in the app that made the change
// and in a second app on its own connection to the same store (another process on PostgreSQL). Each app reads
// every page before each change, so a stale memo would be served if invalidation missed it.
import { afterEach, describe, expect, it } from 'vitest';
import { addComment } from '../../src/db/comments.ts';
import { connect, type Database } from '../../src/db/connect.ts';
import { setPaperHidden } from '../../src/db/moderation.ts';
import { storeImportBatch } from '../../src/db/papers.ts';
import { createSession } from '../../src/db/sessions.ts';
import { recordSubmission } from '../../src/db/submissions.ts';
import { setRole, type User } from '../../src/db/users.ts';
import { setVote } from '../../src/db/votes.ts';
import { createTestDatabase, databaseKinds, PG_URL, type TestDatabase } from '../helpers/db.ts';
import { makeDailyEntry, makePaper, makeUser } from '../helpers/factory.ts';
import { testApp, type TestApp } from '../web/server.ts';

const DAY = '2025-06-03';
const NOW = new Date(`${DAY}T12:00:00.000Z`);
const [P1, P2, P3, P4, P5] = ['2506.07001', '2506.07002', '2506.07003', '2506.07004', '2506.07005'];

interface Seen {
  /** id → upvotes and comments in the API list. */
  api: Map<string, { upvotes: number; comments: number; title: string }>;
  total: number;
  dayPage: string;
  trending: string;
}

async function look(app: TestApp): Promise<Seen> {
  const res = await app.app.request(`/api/daily_papers?date=${DAY}`);
  expect(res.status).toBe(200);
  const items = (await res.json()) as any[];
  const api = new Map(items.map((i) => [i.paper.id as string, { upvotes: i.paper.upvotes, comments: i.numComments, title: i.title }]));
  const dayPage = await (await app.app.request(`/papers/date/${DAY}`)).text();
  const trending = await (await app.app.request('/papers/trending')).text();
  return { api, total: Number(res.headers.get('x-total-count')), dayPage, trending };
}

/** The count on a category's filter chip. */
function chipCount(html: string, category: string): number | null {
  const m = new RegExp(`${category.replace('.', '\\.')} <span class="muted">\\((\\d+)\\)`).exec(html);
  return m ? Number(m[1]) : null;
}

/** One paper's card in a list page. */
function cardOf(html: string, id: string): string {
  const link = html.indexOf(`href="/papers/${id}"`);
  expect(link).toBeGreaterThan(0);
  const start = html.lastIndexOf('<li', link);
  return html.slice(start, html.indexOf('</li>', link));
}

function secondConnection(db: TestDatabase): Database {
  return db.kind === 'sqlite' ? connect({ sqlitePath: db.location }) : connect({ databaseUrl: PG_URL, pgSchema: db.location });
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
      const env = { PAGE_CACHE_SECONDS: '0' };
      const apps = [await testApp(db, { now: NOW, env }), await testApp(other, { now: NOW, env })];
      const reader = await makeUser(db);
      const moderator: User = await makeUser(db);
      await setRole(db, moderator.id, 'moderator');
      const everywhere = async (check: (s: Seen) => void) => {
        for (const app of apps) check(await look(app));
      };

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
      });

      await addComment(db, { paperId: P2, userId: reader.id, body: 'A question about the bound.' });
      await everywhere((s) => {
        expect(s.api.get(P2)!.comments).toBe(1);
        expect(cardOf(s.dayPage, P2)).toContain('1 comment');
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

    it('shows a signed-in person their own upvotes on every card, and nobody else’s', async () => {
      db = await createTestDatabase(kind);
      await storeImportBatch(
        db,
        [makePaper({ id: P1 }), makePaper({ id: P2 })],
        [P1, P2].map((paperId) => makeDailyEntry({ paperId, day: DAY })),
      );
      const { app } = await testApp(db, { now: NOW });
      const [alice, bob] = [await makeUser(db), await makeUser(db)];
      await setVote(db, alice.id, P1, true);
      const pageAs = async (user: User | null) => {
        const headers: Record<string, string> = {};
        if (user) headers.cookie = `pf_session=${(await createSession(db, user.id, { ttlMs: 60_000 })).token}`;
        return (await app.request(`/papers/date/${DAY}`, { headers })).text();
      };
      const pressed = (html: string, id: string) =>
        new RegExp(`action="/papers/${id.replace('.', '\\.')}/upvote"[\\s\\S]*?aria-pressed="(true|false)"`).exec(html)?.[1] ?? null;

      const anonymous = await pageAs(null);
      expect(pressed(anonymous, P1)).toBeNull();
      const asAlice = await pageAs(alice);
      expect([pressed(asAlice, P1), pressed(asAlice, P2)]).toEqual(['true', 'false']);
      const asBob = await pageAs(bob);
      expect([pressed(asBob, P1), pressed(asBob, P2)]).toEqual(['false', 'false']);
      await setVote(db, bob.id, P2, true);
      const asBobAfter = await pageAs(bob);
      expect([pressed(asBobAfter, P1), pressed(asBobAfter, P2)]).toEqual(['false', 'true']);
      // The anonymous page, rendered from the same memoised cards, still carries nobody's state.
      expect(await pageAs(null)).not.toContain('aria-pressed');
    });
  });
}
