// The library and votes where people look, over real HTTP on every database kind: cards carry the person's own
// vote and save state; votes and saves are explicit and idempotent (a resubmitted form changes nothing) from forms
// and the API; forms come back to the card they were sent from, and app.js's JSON requests get the new state; the
// library is its owner's alone (page and key-addressed feed). Then "For you": saves and upvotes refit the person's
// model in the background, and the tab explains each paper with one of theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecommendationModel } from '../../src/db/recommendations.ts';
import { upsertDailyEntries } from '../../src/db/papers.ts';
import { createApiToken, createSession } from '../../src/db/sessions.ts';
import type { User } from '../../src/db/users.ts';
import { countVotes } from '../../src/db/votes.ts';
import { cardAnchor } from '../../src/web/components/card-actions.tsx';
import { decodeModel } from '../../src/recommend/model-codec.ts';
import { makeDailyEntry, makeUser } from '../helpers/factory.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { storeTopicCorpus, topicCorpus } from '../helpers/topic-corpus.ts';
import { WebClient } from '../helpers/web-client.ts';
import { startTestServer, type TestServer } from './server.ts';

const corpus = topicCorpus({ papers: 300, vectors: false });
const topicOf = new Map(corpus.docs.map((d) => [d.id, d.topic]));
const LAST_DAY = corpus.docs.at(-1)!.day!;
const NOW = new Date(`${LAST_DAY}T12:00:00Z`);
/** Papers of topic 1 in the last month of the corpus, where "For you" looks. */
const recentOfTopic = (topic: number) => corpus.docs.filter((d) => d.topic === topic && d.day! >= corpus.docs[200].day!).map((d) => d.id);
const LISTED = corpus.docs.filter((d) => d.day === LAST_DAY).map((d) => d.id);

describe.each(databaseKinds)('library, votes and For you on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let ada: User;
  let eve: User;

  const browser = async (user: User) => {
    const client = new WebClient(server.url);
    const { token } = await createSession(database, user.id, { ttlMs: 3_600_000 });
    client.cookies.set('pf_session', token);
    return client;
  };
  const tokenOn = async (client: WebClient, path = '/') => {
    const m = /name="_csrf" value="([^"]+)"/.exec(await (await client.get(path)).text());
    return m![1];
  };
  /** One search result's card: up to the next card (its keyphrase chips are list items too). */
  const resultCard = (html: string, anchor: string) => {
    const start = html.indexOf(`<li class="paper-card" id="${anchor}"`);
    expect(start).toBeGreaterThan(0);
    const end = html.indexOf('<li class="paper-card"', start + 1);
    return html.slice(start, end > 0 ? end : html.indexOf('</ol>', start));
  };
  const saves = (userId: string) => database.db.selectFrom('library_items').select('paper_id').where('user_id', '=', userId).execute();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await storeTopicCorpus(database, corpus);
    // The home page lists the last day's community picks.
    await upsertDailyEntries(
      database,
      LISTED.map((id, i) => makeDailyEntry({ paperId: id, day: LAST_DAY, upvotes: 10 - i })),
    );
    ada = await makeUser(database, { username: 'ada' });
    eve = await makeUser(database, { username: 'eve' });
    server = await startTestServer(database, { now: NOW, env: { PAGE_CACHE_SECONDS: '0' } });
    // Build the search snapshot and the features now, so no request waits seconds for them (an idle keep-alive
    // connection would meanwhile be closed under the client).
    await server.services.recommendations.features();
  }, 120_000);
  afterAll(async () => {
    await server?.interests.settled();
    await server?.close();
    await database?.drop();
  });

  it('puts an upvote button and a save button with the person’s state on every card of the home page', async () => {
    const anonymous = await (await new WebClient(server.url).get('/')).text();
    expect(anonymous).not.toContain('name="_csrf"');
    expect(anonymous).toContain(`href="/signin?next=${encodeURIComponent(`/#card-${LISTED[0].replace('.', '-')}`)}"`);

    const client = await browser(ada);
    const token = await tokenOn(client);
    const target = LISTED[1];
    const anchor = `card-${target.replace('.', '-')}`;
    // Up, and again (a resubmitted form): one vote, and back to the same card.
    for (let i = 0; i < 2; i++) {
      const res = await client.post(`/papers/${target}/upvote`, { _csrf: token, upvoted: 'true', back: `/#${anchor}` });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/#${anchor}`);
    }
    expect(await countVotes(database, target)).toBe(1);
    const html = await (await client.get('/')).text();
    const card = new RegExp(`<li class="paper-card" id="${anchor}"[\\s\\S]*?</li>`).exec(html)![0];
    expect(card).toMatch(/class="upvote upvoted" aria-pressed="true"/);
    expect(card).toContain('name="upvoted" value="false"');
    expect(card).toContain('<span class="count">10</span>');
    expect(card).toContain('name="saved" value="true"');
    expect(html).toContain('href="/for-you"');
    // Down, twice: no vote, nothing below zero. A form without an explicit state is refused.
    for (let i = 0; i < 2; i++) expect((await client.post(`/papers/${target}/upvote`, { _csrf: token, upvoted: 'false' })).status).toBe(303);
    expect(await countVotes(database, target)).toBe(0);
    expect((await client.post(`/papers/${target}/upvote`, { _csrf: token })).status).toBe(400);
    expect((await client.post(`/papers/${target}/upvote`, { _csrf: token, upvoted: 'toggle' })).status).toBe(400);
    // app.js asks for JSON and shows the state it gets back.
    const json = await client.post(`/papers/${target}/upvote`, { _csrf: token, upvoted: 'true' }, { accept: 'application/json' });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ paperId: target, upvoted: true, upvotes: 10 });
    // The API takes the same explicit state and refuses a toggle.
    const { token: pat } = await createApiToken(database, eve.id, 'script');
    const script = new WebClient(server.url);
    for (let i = 0; i < 2; i++) {
      const res = await script.postJson(`/api/papers/${target}/upvote`, { upvoted: true }, { authorization: `Bearer ${pat}` });
      expect(await res.json()).toMatchObject({ upvoted: true, upvotes: 11 });
    }
    expect((await script.postJson(`/api/papers/${target}/upvote`, {}, { authorization: `Bearer ${pat}` })).status).toBe(400);
  });

  it('gives search results the same controls, with the person’s state, coming back to the same results', async () => {
    const target = LISTED[2];
    const title = corpus.docs.find((d) => d.id === target)!.title;
    const anchor = cardAnchor(target);
    const results = `/search?q=${encodeURIComponent(title).replace(/%20/g, '+')}`;
    const anonymous = await (await new WebClient(server.url).get(results)).text();
    expect(anonymous).toContain(`href="/signin?next=${encodeURIComponent(`${results}#${anchor}`)}"`);

    const client = await browser(ada);
    const token = await tokenOn(client);
    expect((await client.post(`/papers/${target}/save`, { _csrf: token, saved: 'true' })).status).toBe(303);
    const html = await (await client.get(results)).text();
    const card = resultCard(html, anchor);
    expect(card).toMatch(/class="save saved" aria-pressed="true"/);
    expect(card).toContain(`form="card-form" formaction="/papers/${target}/upvote"`);
    // The page's one form comes back to the results; the server adds the card.
    expect(html).toContain(`name="back" value="${results.replace(/&/g, '&amp;')}"`);
    const back = /<form id="card-form"[^>]*>.*?name="back" value="([^"]*)"/.exec(html)![1].replace(/&amp;/g, '&');
    const res = await client.post(`/papers/${target}/upvote`, { _csrf: token, upvoted: 'false', back });
    expect(res.headers.get('location')).toBe(`${results}#${anchor}`);
    // Someone else's results never show ada's save.
    const other = await (await (await browser(eve)).get(results)).text();
    expect(resultCard(other, anchor)).not.toContain('save saved');
    expect((await client.post(`/papers/${target}/save`, { _csrf: token, saved: 'false' })).status).toBe(303);
  });

  it('puts the upvote, save and collect controls at the top of the paper page', async () => {
    const client = await browser(ada);
    const html = await (await client.get(`/papers/${LISTED[1]}`)).text();
    const top = html.indexOf(`formaction="/papers/${LISTED[1]}/upvote"`);
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThan(html.indexOf('<h2>Abstract</h2>'));
    expect(html.indexOf(`formaction="/papers/${LISTED[1]}/save"`)).toBeLessThan(html.indexOf('<h2>Abstract</h2>'));
    expect(html).toContain('New collection with this paper');
    // One upvote control on the page: the discussion panel no longer has its own.
    expect(html.match(/formaction="[^"]*\/upvote"/g)).toHaveLength(1);
    // The buttons submit the page's one form, which holds the token and the way back.
    expect(
      html.match(
        /<form id="card-form" method="post" data-enhance="card" hidden><input type="hidden" name="_csrf" value="[\w-]+"><input type="hidden" name="back" value="\/papers\/[\d.]+">/g,
      ),
    ).toHaveLength(1);
  });

  it('saves explicitly and idempotently, keeps the library to its owner, and gives the owner a private feed', async () => {
    const client = await browser(eve);
    const token = await tokenOn(client);
    const [a, b] = LISTED;
    for (let i = 0; i < 2; i++) {
      const res = await client.post(`/papers/${a}/save`, { _csrf: token, saved: 'true', back: `/papers/trending#card-${a.replace('.', '-')}` });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/papers/trending#card-${a.replace('.', '-')}`);
    }
    expect(await (await client.post(`/papers/${b}/save`, { _csrf: token, saved: 'true' }, { accept: 'application/json' })).json()).toEqual({
      paperId: b,
      saved: true,
    });
    expect((await saves(eve.id)).map((r) => r.paper_id).sort()).toEqual([a, b].sort());
    // Off-site "back" addresses are ignored; unknown papers are a 404; a missing state a 400.
    expect((await client.post(`/papers/${a}/save`, { _csrf: token, saved: 'true', back: 'https://evil.example/' })).headers.get('location')).toBe(
      `/papers/${a}#card-${a.replace('.', '-')}`,
    );
    expect((await client.post('/papers/2101.99999/save', { _csrf: token, saved: 'true' })).status).toBe(404);
    expect((await client.post(`/papers/${a}/save`, { _csrf: token })).status).toBe(400);
    expect((await client.post(`/papers/${a}/save`, { saved: 'true' })).status).toBe(403);

    const page = await client.get('/library');
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    const html = await page.text();
    expect(html).toContain('2 saved papers');
    expect(html).toContain(`href="/papers/${a}"`);
    expect(html).toContain('class="save saved" aria-pressed="true"');
    const feedPath = /href="(\/library\/[^"]+\/feed\.json)"/.exec(html)![1];

    // Nobody else sees it: the page is always the visitor's own, anonymous visitors are sent to sign in.
    expect(await (await (await browser(ada)).get('/library')).text()).not.toContain(`href="/papers/${a}"`);
    const anonymous = new WebClient(server.url);
    const redirect = await anonymous.get('/library');
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe('/signin?next=%2Flibrary');
    // The feed answers its key only: not a guessed one, not ada's id with eve's signature.
    const feed = await anonymous.get(feedPath);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('cache-control')).toBe('private, no-cache');
    expect((await feed.json()).items.map((i: any) => i.id).sort()).toEqual([a, b].map((id) => `http://paperfeed.test/papers/${id}`).sort());
    const key = decodeURIComponent(feedPath.split('/')[2]);
    const forged = `${ada.id}.${key.split('.')[1]}`;
    expect((await anonymous.get(`/library/${encodeURIComponent(forged)}/feed.json`)).status).toBe(404);
    expect((await anonymous.get(`/library/${encodeURIComponent(`${eve.id}.x`)}/rss.xml`)).status).toBe(404);
    expect((await anonymous.get('/library/nothing/atom.xml')).status).toBe(404);

    // Unsaving twice leaves it unsaved; the API does the same.
    for (let i = 0; i < 2; i++) await client.post(`/papers/${a}/save`, { _csrf: token, saved: 'false' });
    const { token: pat } = await createApiToken(database, eve.id, 'script');
    const api = await new WebClient(server.url).postJson(`/api/papers/${b}/save`, { saved: false }, { authorization: `Bearer ${pat}` });
    expect(await api.json()).toEqual({ paperId: b, saved: false });
    expect(await saves(eve.id)).toEqual([]);
  });

  it('learns "For you" from saves and upvotes in the background and explains each paper', async () => {
    const client = await browser(ada);
    // ada voted for LISTED[1] in the first test; drop it so she starts with nothing.
    const token = await tokenOn(client);
    await client.post(`/papers/${LISTED[1]}/upvote`, { _csrf: token, upvoted: 'false' });
    expect(await (await client.get('/for-you')).text()).toContain('Nothing to learn from yet');
    const topic1 = recentOfTopic(1);
    for (const id of topic1.slice(0, 3)) expect((await client.post(`/papers/${id}/save`, { _csrf: token, saved: 'true' })).status).toBe(303);
    expect((await client.post(`/papers/${topic1[3]}/upvote`, { _csrf: token, upvoted: 'true' })).status).toBe(303);
    await server.interests.settled();
    const stored = await loadRecommendationModel(database, ada.id);
    expect(stored).not.toBeNull();
    expect(
      decodeModel(stored!.model)!
        .positives.map((p) => p.paperId)
        .sort(),
    ).toEqual(topic1.slice(0, 4).sort());

    const res = await client.get('/for-you');
    expect(res.status).toBe(200);
    const html = await res.text();
    const shown = [...html.matchAll(/<li class="paper-card" id="card-([\d-]+)"/g)].map((m) => m[1].replace('-', '.'));
    expect(shown.length).toBeGreaterThan(5);
    // The top is ada's topic (one in eight papers by chance), and none of her own papers is shown.
    expect(shown.slice(0, 10).filter((id) => topicOf.get(id) === 1).length).toBeGreaterThanOrEqual(8);
    for (const id of topic1.slice(0, 4)) expect(shown).not.toContain(id);
    expect(html).toMatch(/Because you saved <a href="\/papers\/[\d.]+">/);
    expect(html).toContain('aria-current="page">For you');
    // Signed-out visitors are sent to sign in.
    expect((await new WebClient(server.url).get('/for-you')).status).toBe(303);
  });
});
