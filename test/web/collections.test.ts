// Collections over real HTTP, on every database kind. First the requests `huggingface_hub` sends (HfApi's
// whoami, create_collection, get_collection, add_collection_item(item_type="paper"), update_collection_item,
// delete_collection_item, delete_collection, list_collections), replayed with a Paperfeed access token, their
// answers read the way the client's Collection / CollectionItem constructors read them. Then who may see and change
// what: private collections are a 404 for everyone but their owner (pages, API, feeds), only owners edit (403 on
// someone else's public one), cookie requests need the CSRF token. Then the pages' forms and the feeds.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPapers } from '../../src/db/papers.ts';
import { createApiToken, createSession } from '../../src/db/sessions.ts';
import type { User } from '../../src/db/users.ts';
import { makePaper, makeUser } from '../helpers/factory.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { WebClient } from '../helpers/web-client.ts';
import { startTestServer, type TestServer } from './server.ts';

const PAPERS = ['2601.00101', '2601.00102', '2601.00103', '2601.00104'];
const HIDDEN = '2601.00199';

/** What huggingface_hub's parse_datetime accepts: ISO 8601 UTC with a fraction of a second. */
const HF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z$/;

/**
 * The client's Collection(**data): every key it pops without a default must be there, items through
 * CollectionItem(_id, id, type, position, note=None), note read as note["text"]. Throws as the client would.
 */
function asClientCollection(data: any) {
  for (const key of ['slug', 'title', 'owner', 'items', 'lastUpdated', 'position', 'private', 'theme', 'upvotes']) {
    if (!(key in data)) throw new Error(`KeyError: ${key}`);
  }
  expect(data.lastUpdated).toMatch(HF_DATETIME);
  expect(typeof data.private).toBe('boolean');
  expect(typeof data.upvotes).toBe('number');
  const items = data.items.map((item: any) => {
    for (const key of ['_id', 'id', 'type', 'position']) if (!(key in item)) throw new Error(`TypeError: missing ${key}`);
    return { itemObjectId: item._id, itemId: item.id, itemType: item.type, position: item.position, note: item.note ? item.note.text : null };
  });
  return {
    slug: data.slug as string,
    title: data.title,
    owner: data.owner,
    items,
    private: data.private,
    description: data.description ?? null,
    position: data.position,
  };
}

describe.each(databaseKinds)('collections on %s', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let ada: User;
  let eve: User;
  let adaToken: string;
  let eveToken: string;

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const api = (method: string, path: string, token: string | null, body?: unknown) =>
    new WebClient(server.url).request(path, {
      method,
      headers: { ...(token ? bearer(token) : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  const browser = async (user: User) => {
    const client = new WebClient(server.url);
    const { token } = await createSession(database, user.id, { ttlMs: 3_600_000 });
    client.cookies.set('pf_session', token);
    return client;
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await upsertPapers(database, [
      ...PAPERS.map((id, i) => makePaper({ id, title: `Collected paper number ${i + 1}` })),
      makePaper({ id: HIDDEN, title: 'A hidden paper' }),
    ]);
    await database.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', HIDDEN).execute();
    ada = await makeUser(database, { username: 'ada' });
    eve = await makeUser(database, { username: 'eve' });
    adaToken = (await createApiToken(database, ada.id, 'hub')).token;
    eveToken = (await createApiToken(database, eve.id, 'hub')).token;
    server = await startTestServer(database, { env: { PAGE_CACHE_SECONDS: '0' } });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it("answers huggingface_hub's requests in the shapes it parses, from whoami to delete_collection", async () => {
    // whoami(): the client reads ["name"] to fill the namespace of create_collection.
    const who = await api('GET', '/api/whoami-v2', adaToken);
    expect(who.status).toBe(200);
    const me = await who.json();
    expect(me).toMatchObject({ type: 'user', name: 'ada' });
    expect((await api('GET', '/api/whoami-v2', null)).status).toBe(401);
    expect((await api('GET', '/api/whoami-v2', 'pf_' + 'x'.repeat(43))).status).toBe(401);

    // create_collection(title, namespace, description, private)
    const created = await api('POST', '/api/collections', adaToken, {
      title: 'Reading list',
      namespace: me.name,
      private: false,
      description: 'Papers to read',
    });
    expect(created.status).toBe(200);
    const collection = asClientCollection(await created.json());
    expect(collection).toMatchObject({ title: 'Reading list', description: 'Papers to read', private: false, items: [], position: 0 });
    expect(collection.owner).toMatchObject({ name: 'ada' });
    expect(collection.slug).toMatch(/^ada\/reading-list-[0-9a-f]{24}$/);
    const slug = collection.slug;

    // exists_ok=True: a 409 whose body carries the existing slug, which the client then fetches.
    const again = await api('POST', '/api/collections', adaToken, { title: 'reading LIST', namespace: 'ada', private: false });
    expect(again.status).toBe(409);
    expect((await again.json()).slug).toBe(slug);
    // Another person's namespace is not ours to write in.
    expect((await api('POST', '/api/collections', adaToken, { title: 'Elsewhere', namespace: 'eve', private: false })).status).toBe(404);
    expect((await api('POST', '/api/collections', adaToken, { title: '', namespace: 'ada' })).status).toBe(400);

    // add_collection_item(slug, item_id, item_type="paper", note=…)
    const added = await api('POST', `/api/collections/${slug}/items`, adaToken, { item: { id: PAPERS[0], type: 'paper' }, note: 'Start here' });
    expect(added.status).toBe(200);
    let parsed = asClientCollection(await added.json());
    expect(parsed.items).toEqual([
      { itemObjectId: expect.stringMatching(/^[0-9a-f]{24}$/), itemId: PAPERS[0], itemType: 'paper', position: 0, note: 'Start here' },
    ]);
    for (const id of PAPERS.slice(1)) {
      expect((await api('POST', `/api/collections/${slug}/items`, adaToken, { item: { id, type: 'paper' } })).status).toBe(200);
    }
    // exists_ok: the same paper again is a 409; models, datasets and unknown papers are refused.
    expect((await api('POST', `/api/collections/${slug}/items`, adaToken, { item: { id: PAPERS[0], type: 'paper' } })).status).toBe(409);
    expect((await api('POST', `/api/collections/${slug}/items`, adaToken, { item: { id: 'gpt2', type: 'model' } })).status).toBe(400);
    expect((await api('POST', `/api/collections/${slug}/items`, adaToken, { item: { id: '2601.99999', type: 'paper' } })).status).toBe(404);
    expect((await api('POST', `/api/collections/${slug}/items`, adaToken, { item: { id: HIDDEN, type: 'paper' } })).status).toBe(404);
    expect((await api('POST', `/api/collections/${slug}/items`, adaToken, { item: { id: PAPERS[1], type: 'paper' }, note: 'n'.repeat(501) })).status).toBe(400);

    // get_collection(slug): anyone may read a public collection.
    parsed = asClientCollection(await (await api('GET', `/api/collections/${slug}`, null)).json());
    expect(parsed.items.map((i: any) => [i.itemId, i.position])).toEqual(PAPERS.map((id, i) => [id, i]));
    const [first, second, third] = parsed.items;

    // update_collection_item(slug, item_object_id, note=…, position=…): only non-null keys are sent.
    expect((await api('PATCH', `/api/collections/${slug}/items/${third.itemObjectId}`, adaToken, { position: 0 })).status).toBe(200);
    expect((await api('PATCH', `/api/collections/${slug}/items/${second.itemObjectId}`, adaToken, { note: 'Then this' })).status).toBe(200);
    parsed = asClientCollection(await (await api('GET', `/api/collections/${slug}`, adaToken)).json());
    expect(parsed.items.map((i: any) => i.itemId)).toEqual([PAPERS[2], PAPERS[0], PAPERS[1], PAPERS[3]]);
    expect(parsed.items.map((i: any) => i.position)).toEqual([0, 1, 2, 3]);
    expect(parsed.items[2].note).toBe('Then this');

    // delete_collection_item(slug, item_object_id, missing_ok): a second delete is the 404 missing_ok forgives.
    expect((await api('DELETE', `/api/collections/${slug}/items/${first.itemObjectId}`, adaToken)).status).toBe(200);
    expect((await api('DELETE', `/api/collections/${slug}/items/${first.itemObjectId}`, adaToken)).status).toBe(404);
    parsed = asClientCollection(await (await api('GET', `/api/collections/${slug}`, adaToken)).json());
    expect(parsed.items.map((i: any) => [i.itemId, i.position])).toEqual([
      [PAPERS[2], 0],
      [PAPERS[1], 1],
      [PAPERS[3], 2],
    ]);

    // update_collection_metadata reads the collection from "data".
    const renamed = await api('PATCH', `/api/collections/${slug}`, adaToken, { title: 'Must read', description: 'Really' });
    expect(renamed.status).toBe(200);
    const renamedData = asClientCollection((await renamed.json()).data);
    expect(renamedData.slug).toMatch(/^ada\/must-read-[0-9a-f]{24}$/);
    // The id decides: the old slug still answers.
    expect((await api('GET', `/api/collections/${slug}`, null)).status).toBe(200);

    // list_collections(owner=…, item=…): the client adds position=i itself, so the list must not carry one.
    const secret = asClientCollection(await (await api('POST', '/api/collections', adaToken, { title: 'Secret', namespace: 'ada', private: true })).json());
    const listed = await (await api('GET', '/api/collections?owner=ada&limit=10', null)).json();
    expect(Array.isArray(listed)).toBe(true);
    for (const data of listed) {
      expect('position' in data).toBe(false);
      asClientCollection({ ...data, position: 0 });
    }
    expect(listed.map((c: any) => c.title)).toEqual(['Must read']);
    const own = await (await api('GET', '/api/collections?owner=ada', adaToken)).json();
    expect(own.map((c: any) => c.title).sort()).toEqual(['Must read', 'Secret']);
    expect((await (await api('GET', `/api/collections?item=papers/${PAPERS[2]}`, null)).json()).map((c: any) => c.title)).toEqual(['Must read']);
    expect(await (await api('GET', `/api/collections?item=papers/${PAPERS[0]}`, null)).json()).toEqual([]);
    expect(await (await api('GET', '/api/collections?item=models/gpt2', null)).json()).toEqual([]);
    expect(await (await api('GET', '/api/collections?owner=nobody', null)).json()).toEqual([]);

    // delete_collection(slug, missing_ok)
    expect((await api('DELETE', `/api/collections/${secret.slug}`, adaToken)).status).toBe(200);
    expect((await api('DELETE', `/api/collections/${secret.slug}`, adaToken)).status).toBe(404);
    expect(await database.db.selectFrom('collections').select('id').where('owner_id', '=', ada.id).execute()).toHaveLength(1);
  });

  it('keeps private collections private (404 everywhere) and lets only the owner change any collection', async () => {
    const priv = asClientCollection(
      await (await api('POST', '/api/collections', adaToken, { title: 'Private notes', namespace: 'ada', private: true })).json(),
    );
    await api('POST', `/api/collections/${priv.slug}/items`, adaToken, { item: { id: PAPERS[0], type: 'paper' }, note: 'my secret note' });
    const pub = asClientCollection(await (await api('POST', '/api/collections', adaToken, { title: 'Public picks', namespace: 'ada', private: false })).json());
    const item = asClientCollection(
      await (await api('POST', `/api/collections/${pub.slug}/items`, adaToken, { item: { id: PAPERS[1], type: 'paper' } })).json(),
    ).items[0];

    // Nobody but ada sees the private one: not anonymous visitors, not eve, on no path.
    const eveBrowser = await browser(eve);
    const anonymous = new WebClient(server.url);
    for (const path of [`/collections/${priv.slug}`, `/collections/${priv.slug}/rss.xml`, `/collections/${priv.slug}/feed.json`]) {
      expect((await anonymous.get(path)).status, path).toBe(404);
      expect((await eveBrowser.get(path)).status, path).toBe(404);
    }
    expect((await api('GET', `/api/collections/${priv.slug}`, null)).status).toBe(404);
    expect((await api('GET', `/api/collections/${priv.slug}`, eveToken)).status).toBe(404);
    expect((await api('PATCH', `/api/collections/${priv.slug}`, eveToken, { title: 'Mine now' })).status).toBe(404);
    expect((await api('DELETE', `/api/collections/${priv.slug}`, eveToken)).status).toBe(404);
    expect((await api('POST', `/api/collections/${priv.slug}/items`, eveToken, { item: { id: PAPERS[2], type: 'paper' } })).status).toBe(404);
    const everywhere = [
      await (await anonymous.get('/collections')).text(),
      await (await eveBrowser.get('/u/ada')).text(),
      JSON.stringify(await (await api('GET', '/api/collections', eveToken)).json()),
    ];
    for (const text of everywhere) {
      expect(text).not.toContain('Private notes');
      expect(text).not.toContain('my secret note');
    }
    // The owner sees it, marked private and never cached.
    const adaBrowser = await browser(ada);
    const own = await adaBrowser.get(`/collections/${priv.slug}`);
    expect(own.status).toBe(200);
    expect(own.headers.get('cache-control')).toBe('private, no-store');
    const ownHtml = await own.text();
    expect(ownHtml).toContain('my secret note');
    expect(ownHtml).toContain('only you can see it');
    expect(await (await adaBrowser.get('/u/ada')).text()).toContain('Private notes');

    // A public collection can be read by all and changed by its owner only (403: it is visible, just not theirs).
    expect((await api('GET', `/api/collections/${pub.slug}`, eveToken)).status).toBe(200);
    expect((await api('PATCH', `/api/collections/${pub.slug}`, eveToken, { title: 'Hijacked' })).status).toBe(403);
    expect((await api('DELETE', `/api/collections/${pub.slug}`, eveToken)).status).toBe(403);
    expect((await api('POST', `/api/collections/${pub.slug}/items`, eveToken, { item: { id: PAPERS[2], type: 'paper' } })).status).toBe(403);
    expect((await api('PATCH', `/api/collections/${pub.slug}/items/${item.itemObjectId}`, eveToken, { note: 'x' })).status).toBe(403);
    expect((await api('DELETE', `/api/collections/${pub.slug}/items/${item.itemObjectId}`, eveToken)).status).toBe(403);
    // Without a token, a change is a cookie request and needs the CSRF token first; a browser session sends it in
    // the header for JSON.
    expect((await api('POST', '/api/collections', null, { title: 'Anon' })).status).toBe(403);
    expect((await adaBrowser.request(`/api/collections/${pub.slug}`, { method: 'DELETE' })).status).toBe(403);
    const token = await adaBrowser.csrf(`/collections/${pub.slug}`);
    expect(
      (
        await adaBrowser.request(`/api/collections/${pub.slug}/items/${item.itemObjectId}`, {
          method: 'PATCH',
          body: JSON.stringify({ note: 'ok' }),
          headers: { 'content-type': 'application/json', 'X-CSRF-Token': token },
        })
      ).status,
    ).toBe(200);
    // Forms on eve's side are refused the same way, and nothing changed.
    const eveToken2 = await eveBrowser.csrf('/collections/new');
    expect((await eveBrowser.post(`/collections/${pub.slug}/items`, { _csrf: eveToken2, paper: PAPERS[3] })).status).toBe(403);
    expect((await eveBrowser.post(`/collections/${priv.slug}/delete`, { _csrf: eveToken2, confirm: 'yes' })).status).toBe(404);
    const after = asClientCollection(await (await api('GET', `/api/collections/${pub.slug}`, null)).json());
    expect(after).toMatchObject({ title: 'Public picks', items: [{ itemId: PAPERS[1], note: 'ok' }] });
    expect((await api('GET', `/api/collections/${priv.slug}`, adaToken)).status).toBe(200);
  });

  it('creates, fills, annotates, reorders, shares and deletes a collection with plain forms', async () => {
    const client = await browser(eve);
    const token = await client.csrf('/collections/new');
    // A form without the token changes nothing.
    expect((await client.post('/collections', { title: 'No token' })).status).toBe(403);
    const created = await client.post('/collections', {
      _csrf: token,
      title: 'Vision <b>picks</b>',
      description: 'Good & new',
      visibility: 'public',
      paper: PAPERS[0],
    });
    expect(created.status).toBe(303);
    const path = created.headers.get('location')!;
    expect(path).toMatch(/^\/collections\/eve\/vision-b-picks-b-[0-9a-f]{24}$/);
    expect((await client.post('/collections', { _csrf: token, title: 'vision <B>picks</b>' })).status).toBe(409);

    const add = await client.post(`${path}/items`, { _csrf: token, paper: `https://arxiv.org/abs/${PAPERS[1]}v2`, note: 'Read <em>this</em> second' });
    expect(add.status).toBe(303);
    expect(add.headers.get('location')).toBe(path);
    await client.post(`${path}/items`, { _csrf: token, paper: PAPERS[2] });
    // A bad paper comes back as the page with the reason, not a crash.
    const bad = await client.post(`${path}/items`, { _csrf: token, paper: 'not a paper' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('is not an arXiv id or link');

    let html = await (await client.get(path)).text();
    expect(html).toContain('<h1>Vision &lt;b&gt;picks&lt;/b&gt;</h1>');
    expect(html).toContain('Read &lt;em&gt;this&lt;/em&gt; second');
    expect(html).toContain(`value="http://paperfeed.test${path}"`);
    const order = () => [...html.matchAll(/<li class="paper-card" id="card-([\d-]+)"/g)].map((m) => m[1].replace('-', '.'));
    expect(order()).toEqual(PAPERS.slice(0, 3));
    const itemIds = [...html.matchAll(/action="[^"]*\/items\/([0-9a-f]{24})\/delete"/g)].map((m) => m[1]);
    expect(itemIds).toHaveLength(3);

    // Move the last one up, note the first, remove the middle one.
    expect((await client.post(`${path}/items/${itemIds[2]}/move`, { _csrf: token, position: '0' })).status).toBe(303);
    expect((await client.post(`${path}/items/${itemIds[0]}`, { _csrf: token, note: 'The classic' })).status).toBe(303);
    expect((await client.post(`${path}/items/${itemIds[1]}/delete`, { _csrf: token })).status).toBe(303);
    expect((await client.post(`${path}/items/${itemIds[1]}/delete`, { _csrf: token })).status).toBe(404);
    html = await (await client.get(path)).text();
    expect(order()).toEqual([PAPERS[2], PAPERS[0]]);
    expect(html).toContain('The classic');

    // The feeds follow the collection's order, notes first.
    const parser = new XMLParser({ ignoreAttributes: false });
    const anonymous = new WebClient(server.url);
    const rss = await (await anonymous.get(`${path}/rss.xml`)).text();
    expect(XMLValidator.validate(rss)).toBe(true);
    expect([parser.parse(rss).rss.channel.item].flat().map((i: any) => i.link)).toEqual(
      [PAPERS[2], PAPERS[0]].map((id) => `http://paperfeed.test/papers/${id}`),
    );
    const atom = await anonymous.get(`${path}/atom.xml`);
    expect(atom.headers.get('content-type')).toContain('application/atom+xml');
    expect(XMLValidator.validate(await atom.text())).toBe(true);
    const json = await (await anonymous.get(`${path}/feed.json`)).json();
    expect(json.items.map((i: any) => i.id)).toEqual([PAPERS[2], PAPERS[0]].map((id) => `http://paperfeed.test/papers/${id}`));
    expect(json.items[1].content_text.startsWith('The classic')).toBe(true);

    // Made private: the feeds go away for everyone.
    expect((await client.post(`${path}/edit`, { _csrf: token, title: 'Vision picks', visibility: 'private' })).status).toBe(303);
    const renamedPath = (await client.get(path)).headers.get('location')!;
    expect(renamedPath).toMatch(/^\/collections\/eve\/vision-picks-[0-9a-f]{24}$/);
    expect((await anonymous.get(`${renamedPath}/rss.xml`)).status).toBe(404);
    expect((await anonymous.get(renamedPath)).status).toBe(404);

    // Delete needs the box ticked.
    expect((await client.post(`${renamedPath}/delete`, { _csrf: token })).status).toBe(400);
    const deleted = await client.post(`${renamedPath}/delete`, { _csrf: token, confirm: 'yes' });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/collections');
    expect((await client.get(renamedPath)).status).toBe(404);
    expect(await database.db.selectFrom('collection_items').select('id').where('note', '=', 'The classic').execute()).toEqual([]);
  });

  it('adds a paper to one of your collections from the paper page, once', async () => {
    const client = await browser(ada);
    const page = await (await client.get(`/papers/${PAPERS[3]}`)).text();
    const option = /<option value="([0-9a-f]{24})">Must read<\/option>/.exec(page);
    expect(option).not.toBeNull();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    for (let i = 0; i < 2; i++) {
      const res = await client.post(`/papers/${PAPERS[3]}/collect`, { _csrf: token, collection: option![1], back: `/papers/${PAPERS[3]}` });
      expect(res.status).toBe(303);
    }
    const rows = await database.db
      .selectFrom('collection_items')
      .select('id')
      .where('collection_id', '=', option![1])
      .where('paper_id', '=', PAPERS[3])
      .execute();
    expect(rows).toHaveLength(1);
    // Into someone else's collection: no.
    const eveCollection = await database.db
      .insertInto('collections')
      .values({
        id: 'e'.repeat(24),
        owner_id: eve.id,
        title: 'Eve only',
        title_key: 'eve only',
        description: null,
        private: 1,
        theme: 'default',
        created_at: 'x',
        updated_at: 'x',
      })
      .execute();
    expect(eveCollection).toBeDefined();
    expect((await client.post(`/papers/${PAPERS[3]}/collect`, { _csrf: token, collection: 'e'.repeat(24) })).status).toBe(404);
  });
});
