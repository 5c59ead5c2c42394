// The digest's "For you" section over a real store (SQLite and PostgreSQL), the real app in process and a real SMTP
// server: a signed-in subscriber turns it on with a CSRF-checked POST; their digest (both parts, and the preview) then
// carries their own model's picks among the period's papers, none of their own, each with the paper of theirs that
// explains it; people who did not turn it on, have nothing to learn from, or whose address is not their account's
// get no section; nobody's picks or papers show in another person's mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { interestsOf, setSaved } from '../../src/db/library.ts';
import { createApiToken, createSession } from '../../src/db/sessions.ts';
import { getSubscription } from '../../src/db/subscriptions.ts';
import type { User } from '../../src/db/users.ts';
import { setVote } from '../../src/db/votes.ts';
import { loadPeriodPapers } from '../../src/mail/digest-content.ts';
import { runDigests } from '../../src/mail/digest-runner.ts';
import { FOR_YOU_PAPERS } from '../../src/mail/for-you.ts';
import { periodForDate } from '../../src/mail/schedule.ts';
import type { Services } from '../../src/services.ts';
import { createApp } from '../../src/web/app.tsx';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../helpers/db.ts';
import { addSubscriber, BASE_URL, SECRET_KEY } from '../helpers/digest-world.ts';
import { makeUser } from '../helpers/factory.ts';
import { testServices } from '../helpers/services.ts';
import { startSmtpServer, type TestSmtpServer, type ReceivedMail } from '../helpers/smtp-server.ts';
import { storeTopicCorpus, topicCorpus } from '../helpers/topic-corpus.ts';
import { WebClient } from '../helpers/web-client.ts';

const corpus = topicCorpus({ papers: 600, vectors: false });
const topicOf = new Map(corpus.docs.map((d) => [d.id, d.topic]));
/** A Monday: the weekly digest of 2025-W08 covers 10–16 February, about 70 papers of eight topics. */
const DIGEST_DATE = '2025-02-17';
const PERIOD = periodForDate('weekly', DIGEST_DATE)!;
const olderOf = (topic: number) => corpus.docs.filter((d) => d.topic === topic && d.day! < PERIOD.start).map((d) => d.id);
const periodOf = (topic: number) => corpus.docs.filter((d) => d.topic === topic && d.day! >= PERIOD.start && d.day! <= PERIOD.end).map((d) => d.id);

interface Pick {
  id: string;
  verb: string;
  because: string;
}

/** The "For you" section of a digest's text part: each paper, the verb and the paper of the reader's that explains it. */
function forYouInText(text: string): Pick[] | null {
  const start = text.indexOf('For you\n=======\n');
  if (start < 0) return null;
  const section = text.slice(start).split('\n\n\n')[0];
  return [
    ...section.matchAll(/\n {3}https?:\/\/\S+\/papers\/(\S+)\n {3}Because you (saved|upvoted|are an author of) “[^”]*”: https?:\/\/\S+\/papers\/(\S+)/g),
  ].map((m) => ({ id: m[1], verb: m[2], because: m[3] }));
}

/** The "For you" section of a digest's HTML, up to the next section's heading. */
function forYouInHtml(html: string): string | null {
  const start = html.indexOf('>For you</h2>');
  if (start < 0) return null;
  return html.slice(start, html.indexOf('</h2>', start + 13));
}

const paperLinks = (s: string) => [...s.matchAll(/\/papers\/(\d{4}\.\d{5})/g)].map((m) => m[1]);

describe.each(databaseKinds)('the digest’s "For you" section on %s', (kind) => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  let services: Services;
  let app: ReturnType<typeof createApp>;
  const people: Record<string, User> = {};
  const subscriptions: Record<string, string> = {};
  let digests: Map<string, ReceivedMail>;

  const browser = async (user: User) => {
    const client = new WebClient(app, BASE_URL);
    const { token } = await createSession(database, user.id, { ttlMs: 3_600_000 });
    client.cookies.set('pf_session', token);
    return client;
  };
  const switchForYou = async (user: User, on: boolean) => {
    const client = await browser(user);
    const csrf = await client.csrf('/settings');
    return client.post('/settings/digest/for-you', { _csrf: csrf, ...(on ? { forYou: 'on' } : {}) });
  };
  const forYouColumn = async (id: string) => {
    const row = await database.db.selectFrom('subscriptions').select(['for_you', 'user_id']).where('id', '=', id).executeTakeFirstOrThrow();
    return { forYou: Number(row.for_you), userId: row.user_id };
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await storeTopicCorpus(database, corpus);
    smtp = await startSmtpServer();
    const config = loadConfig({
      PAPERFEED_DATA_DIR: tempDir(),
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Paperfeed <digest@paperfeed.test>',
      BASE_URL,
      SECRET_KEY,
      PAGE_CACHE_SECONDS: '0',
      DIGEST_RUN_MAX_WAIT_MS: '0',
      EMBEDDER: 'none',
      DERIVE_TEXT: 'false',
    });
    services = await testServices(config, database, { now: new Date(`${DIGEST_DATE}T12:00:00Z`) });
    app = createApp(services);
    // ada: papers of topic 1, one of them from the digest's own week; eve: topic 5; bob: topic 1 but he never turns
    // the section on; cyd turns it on with nothing saved; mallory's address has no account.
    for (const name of ['ada', 'bob', 'cyd', 'eve', 'frank']) people[name] = await makeUser(database, { username: name });
    for (const id of olderOf(1).slice(0, 4)) await setSaved(database, people.ada.id, id, true);
    await setVote(database, people.ada.id, olderOf(1)[4], true);
    await setSaved(database, people.ada.id, periodOf(1)[0], true);
    for (const id of olderOf(5).slice(0, 4)) await setSaved(database, people.eve.id, id, true);
    for (const id of olderOf(1).slice(5, 9)) await setSaved(database, people.bob.id, id, true);
    for (const name of ['ada', 'bob', 'cyd', 'eve', 'mallory'])
      subscriptions[name] = await addSubscriber(database, `${name}@example.org`, { frequency: 'weekly', paperCount: 6 });
    await services.recommendations.features();
  }, 120_000);
  afterAll(async () => {
    await services?.close();
    await smtp?.stop();
    await database?.drop();
  });

  it('is off for every subscription until its owner turns it on in settings, with a CSRF-checked POST from their browser', async () => {
    for (const id of Object.values(subscriptions)) expect(await forYouColumn(id)).toEqual({ forYou: 0, userId: null });
    const ada = await browser(people.ada);
    const page = await (await ada.get('/settings')).text();
    expect(page).toContain('action="/settings/digest/for-you"');
    expect(page).toMatch(/<input type="checkbox" name="forYou"\/>/);

    // No CSRF token: refused, nothing changes. A GET changes nothing either. An access token is not a browser.
    expect((await ada.post('/settings/digest/for-you', { forYou: 'on' })).status).toBe(403);
    expect((await ada.get('/settings/digest/for-you?forYou=on')).status).toBe(404);
    const { token } = await createApiToken(database, people.ada.id, 'script');
    const byToken = await new WebClient(app, BASE_URL).request('/settings/digest/for-you', {
      method: 'POST',
      body: 'forYou=on',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(byToken.status).toBe(403);
    expect(await forYouColumn(subscriptions.ada)).toEqual({ forYou: 0, userId: null });

    // On, twice (a resubmitted form): the same state, and the account recorded as the section's reader.
    for (let i = 0; i < 2; i++) {
      const res = await switchForYou(people.ada, true);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Your digest now has a “For you” section');
    }
    expect(await forYouColumn(subscriptions.ada)).toEqual({ forYou: 1, userId: people.ada.id });
    expect(await (await ada.get('/settings')).text()).toMatch(/<input type="checkbox" name="forYou" checked=""\/>/);
    for (const name of ['eve', 'cyd']) expect((await switchForYou(people[name], true)).status).toBe(200);

    // Someone with an account but no subscription is not offered the switch, and posting it anyway says why.
    const frank = await browser(people.frank);
    expect(await (await frank.get('/settings')).text()).not.toContain('/settings/digest/for-you');
    const refused = await switchForYou(people.frank, true);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('has no digest subscription');
    expect((await getSubscription(database, subscriptions.bob))?.forYou).toBe(false);
  });

  it('sends the reader their own model’s picks among the period’s papers, in both parts, and nobody else gets a section', async () => {
    // A stale tie: mallory's subscription claims to be read by ada, but it is not ada's address.
    await database.db.updateTable('subscriptions').set({ for_you: 1, user_id: people.ada.id }).where('id', '=', subscriptions.mallory).execute();

    const summary = await runDigests(services, { date: DIGEST_DATE, frequency: 'weekly' });
    expect(summary).toMatchObject({ planned: 5, sent: 5, failed: 0 });
    digests = new Map((await smtp.waitFor(5)).map((m) => [m.envelopeTo[0].split('@')[0], m]));
    const periodIds = new Set((await loadPeriodPapers(database, PERIOD)).map((p) => p.id));
    expect(periodIds.size).toBeGreaterThan(50);

    const ada = digests.get('ada')!.parsed;
    const adaPositives = await interestsOf(database, people.ada.id);
    const picks = forYouInText(ada.text ?? '')!;
    expect(picks).toHaveLength(FOR_YOU_PAPERS);
    // Exactly the recommendation service's list for ada among the period's papers: the digest reuses her model.
    const expected = await services.recommendations.recommendFor(people.ada.id, adaPositives, FOR_YOU_PAPERS, { among: periodIds });
    expect(picks.map((p) => [p.id, p.because])).toEqual(expected.map((r) => [r.paperId, r.because]));
    const own = new Set(adaPositives.map((p) => p.paperId));
    for (const p of picks) {
      expect(periodIds.has(p.id)).toBe(true);
      expect(own.has(p.id)).toBe(false);
      expect(own.has(p.because)).toBe(true);
      expect(p.verb).toBe(p.because === olderOf(1)[4] ? 'upvoted' : 'saved');
    }
    // Her topic, as her papers are (one paper in eight is topic 1 by chance).
    expect(picks.filter((p) => topicOf.get(p.id) === 1).length).toBeGreaterThanOrEqual(4);
    // The HTML part has the same papers and reasons, linked; no paper appears twice in the digest.
    const html = forYouInHtml(String(ada.html))!;
    for (const p of picks) {
      expect(html).toContain(`href="${BASE_URL}/papers/${p.id}"`);
      expect(html).toContain(`Because you ${p.verb} <a class="pf-link" href="${BASE_URL}/papers/${p.because}"`);
    }
    const listed = paperLinks(ada.text ?? '').filter((id) => !own.has(id));
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toHaveLength(FOR_YOU_PAPERS + 6);

    // eve's section is hers: her topic, her papers as reasons, nothing of ada's.
    const eve = digests.get('eve')!.parsed;
    const evePicks = forYouInText(eve.text ?? '')!;
    expect(evePicks).toHaveLength(FOR_YOU_PAPERS);
    const eveOwn = new Set((await interestsOf(database, people.eve.id)).map((p) => p.paperId));
    for (const p of evePicks) expect(eveOwn.has(p.because)).toBe(true);
    expect(evePicks.filter((p) => topicOf.get(p.id) === 5).length).toBeGreaterThanOrEqual(4);
    for (const id of own) expect(paperLinks(`${eve.text}${eve.html}`)).not.toContain(id);

    // No section, and no empty heading, for bob (never turned on), cyd (nothing to learn from) and mallory (not
    // ada's address); their mail links to none of ada's papers.
    for (const name of ['bob', 'cyd', 'mallory']) {
      const mail = digests.get(name)!.parsed;
      expect(`${mail.text}${mail.html}`).not.toContain('For you');
      expect(`${mail.text}${mail.html}`).not.toContain('Because you');
      for (const id of own) expect(paperLinks(`${mail.text}${mail.html}`)).not.toContain(id);
    }
  });

  it('shows the section in the subscriber’s preview while it is on, never in an anonymous one, and not once turned off', async () => {
    const manage = /Change topics or schedule: (\S+)/.exec(digests.get('ada')!.parsed.text ?? '')![1];
    const token = new URL(manage).searchParams.get('token')!;
    const web = new WebClient(app, BASE_URL);
    const preview = (query: string) => web.get(`/digest/preview?${query}&date=${DIGEST_DATE}`);
    const sent = forYouInText(digests.get('ada')!.parsed.text ?? '')!;

    const text = await (await preview(`token=${encodeURIComponent(token)}&format=text`)).text();
    expect(forYouInText(text)!.map((p) => p.id)).toEqual(sent.map((p) => p.id));
    const html = await (await preview(`token=${encodeURIComponent(token)}`)).text();
    expect(forYouInHtml(html)).toContain('Because you');
    const anonymous = await (await preview('frequency=weekly&paperCount=6')).text();
    expect(anonymous).not.toContain('For you');

    expect((await switchForYou(people.ada, false)).status).toBe(200);
    expect(await forYouColumn(subscriptions.ada)).toEqual({ forYou: 0, userId: people.ada.id });
    const off = await (await preview(`token=${encodeURIComponent(token)}&format=text`)).text();
    expect(forYouInText(off)).toBeNull();
    expect(off).not.toContain('Because you');
  });
});
