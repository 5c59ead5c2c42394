// Hardening on a listening server: every request here goes over a real socket to @hono/node-server, because
// in-process app.request() calls hid defects that only the server's response writing shows (security headers
// lost from cached responses). Each block is one finding of the security review, checked the way an attacker or
// a browser would meet it.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/credentials.ts';
import { createApiToken, createSession } from '../../src/db/sessions.ts';
import { setPasswordHash } from '../../src/db/users.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeUser } from '../helpers/factory.ts';
import { WebClient } from '../helpers/web-client.ts';
import { FIXED_NOW, seedFixtures } from './fixtures.ts';
import { startTestServer, type TestServer } from './server.ts';

/** Every family of anonymous, cacheable response: pages, listings, a paper, the API, feeds, the sitemap. */
const CACHEABLE = [
  '/',
  '/papers/date/2025-06-06',
  '/papers/week/2025-W23',
  '/papers/month/2025-06',
  '/papers/trending',
  '/papers/2506.06001',
  '/api/daily_papers?date=2025-06-06',
  '/api/papers/2506.06001',
  '/papers/date/2025-06-06/rss.xml',
  '/papers/week/2025-W23/atom.xml',
  '/papers/trending/feed.json',
  '/feeds/daily/rss.xml',
  '/feeds/category/cs.CV/atom.xml',
  '/sitemap.xml',
];

function expectSecurityHeaders(res: Response, label: string, https: boolean): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp, label).toContain("default-src 'none'");
  expect(csp, label).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
  expect(res.headers.get('referrer-policy'), label).toBe('strict-origin-when-cross-origin');
  expect(res.headers.get('cross-origin-opener-policy'), label).toBe('same-origin');
  if (https) expect(res.headers.get('strict-transport-security'), label).toMatch(/max-age=\d+/);
}

/**
 * A raw HTTP/1.1 exchange, for requests fetch will not send: oversized request heads, or a body that is announced
 * but never finished (then the answer must come without the server reading it).
 */
function rawRequest(url: string, head: string, body = '', options: { endBody?: boolean } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1', () => {
      socket.write(`${head}\r\n\r\n${body}`);
      if (options.endBody ?? true) socket.end();
    });
    let data = '';
    const answer = () => {
      const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(data);
      if (!m) return null;
      const length = /content-length: *(\d+)/i.exec(m[2]);
      return { status: Number(m[1]), body: m[3], complete: !length || Buffer.byteLength(m[3]) >= Number(length[1]) };
    };
    socket.on('data', (d) => {
      data += d;
      const a = answer();
      if (a?.complete && /content-length/i.test(data)) {
        socket.destroy();
        resolve(a);
      }
    });
    socket.on('close', () => {
      const a = answer();
      if (a) resolve(a);
      else reject(new Error(`no HTTP answer: ${JSON.stringify(data.slice(0, 200))}`));
    });
    socket.on('error', reject);
  });
}

/** One kept-alive HTTP/1.1 connection, for checking what happens to it between requests. */
function keptAliveConnection(url: string) {
  const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
  let data = '';
  let waiting: (() => void) | null = null;
  const ended = new Promise<string>((resolve) => {
    socket.on('data', (d) => {
      data += d;
      waiting?.();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    socket.on('close', () => resolve('closed'));
  }).finally(() => waiting?.());
  let closed = false;
  void ended.then(() => (closed = true));
  /** Sends a request and reads its answer, or resolves null when the connection ends before one comes. */
  const send = async (request: string): Promise<{ status: number; headers: string } | null> => {
    data = '';
    socket.write(request);
    for (;;) {
      const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(data);
      const length = m && /content-length: *(\d+)/i.exec(m[2]);
      if (m && length && Buffer.byteLength(m[3]) >= Number(length[1])) return { status: Number(m[1]), headers: m[2] };
      if (closed) return null;
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  };
  return { send, ended, close: () => socket.destroy() };
}

describe('on a listening server', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await seedFixtures(db);
  });
  afterAll(() => db.drop());

  describe('security headers on cached responses', () => {
    for (const https of [false, true]) {
      it(`every cacheable route family carries them on a miss, a hit and a 304 (${https ? 'https' : 'http'} BASE_URL)`, async () => {
        const server = await startTestServer(db, { now: FIXED_NOW, env: https ? { BASE_URL: 'https://papers.example' } : {} });
        try {
          for (const url of CACHEABLE) {
            const miss = await fetch(server.url + url);
            expect(miss.status, url).toBe(200);
            expectSecurityHeaders(miss, `${url} (miss)`, https);
            const hit = await fetch(server.url + url);
            expect(await hit.text(), url).toBe(await miss.text());
            expectSecurityHeaders(hit, `${url} (hit)`, https);
            const notModified = await fetch(server.url + url, { headers: { 'If-None-Match': miss.headers.get('etag')! } });
            expect(notModified.status, url).toBe(304);
            expectSecurityHeaders(notModified, `${url} (304)`, https);
          }
          // Errors and signed-in pages too.
          expectSecurityHeaders(await fetch(`${server.url}/no/such/page`), '404', https);
        } finally {
          await server.close();
        }
      });
    }
  });

  describe('credentials that do not authenticate count as anonymous', () => {
    // A store of its own: rate limits are counted in the database, so other servers' requests would count here too.
    let own: TestDatabase;
    let server: TestServer;
    let sessionToken: string;
    beforeAll(async () => {
      own = await createTestDatabase('sqlite');
      await seedFixtures(own);
      server = await startTestServer(own, { now: FIXED_NOW, env: { API_RATE_LIMIT_PER_MINUTE: '5', PAGE_CACHE_SECONDS: '5' } });
      const user = await makeUser(own, { role: 'user' });
      sessionToken = (await createSession(own, user.id, { ttlMs: 3_600_000 })).token;
    });
    afterAll(async () => {
      await server.close();
      await own.drop();
    });

    it('a junk Authorization header or session cookie does not skip the API rate limit', async () => {
      const api = `${server.url}/api/daily_papers?date=2025-06-04`;
      for (let i = 0; i < 5; i++) expect((await fetch(api)).status).toBe(200);
      expect((await fetch(api)).status).toBe(429);
      const junk: Record<string, string>[] = [
        { Authorization: 'Basic Zm9vOmJhcg==' },
        { Cookie: 'pf_session=x' },
        { Cookie: `pf_session=${'A'.repeat(43)}` },
        { Cookie: 'theme=dark; pf_session=x', Authorization: 'Digest username="x"' },
      ];
      for (const headers of junk) expect((await fetch(api, { headers })).status, JSON.stringify(headers)).toBe(429);
      // A real session is limited by its own quotas, not by the address's.
      expect((await fetch(api, { headers: { Cookie: `pf_session=${sessionToken}` } })).status).toBe(200);
    });

    it('a junk session cookie is answered from the page cache; a real one gets a fresh page', async () => {
      const url = `${server.url}/papers/2506.04001`;
      const count = async (headers: Record<string, string> = {}) => {
        const html = await (await fetch(url, { headers })).text();
        return Number(/data-upvotes="(\d+)"|(\d+) upvotes?/.exec(html)?.slice(1).find(Boolean) ?? NaN);
      };
      const before = await count();
      expect(Number.isFinite(before)).toBe(true);
      await own.db.updateTable('papers').set({ community_upvotes: 500 }).where('id', '=', '2506.04001').execute();
      // Within the cache lifetime anonymous visitors, with or without junk credentials, share the stored page...
      expect(await count()).toBe(before);
      expect(await count({ Cookie: 'pf_session=x' })).toBe(before);
      expect(await count({ Cookie: `pf_session=${'B'.repeat(43)}` })).toBe(before);
      expect(await count({ Authorization: 'Basic Zm9vOmJhcg==' })).toBe(before);
      // ...while a signed-in person sees the new count at once.
      expect(await count({ Cookie: `pf_session=${sessionToken}` })).toBe(before + 500);
    });
  });

  describe('client address behind trusted proxies', () => {
    it('with TRUST_PROXY=true (one proxy) the address is the right-most X-Forwarded-For entry, not a forged first one', async () => {
      const server = await startTestServer(db, { now: FIXED_NOW, env: { API_RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: 'true' } });
      try {
        const api = `${server.url}/api/papers/2506.06001`;
        const statuses = [];
        for (let i = 0; i < 6; i++) statuses.push((await fetch(api, { headers: { 'X-Forwarded-For': `10.0.0.${i}, 203.0.113.7` } })).status);
        expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
        // Another real client (another address appended by the proxy) has its own quota.
        expect((await fetch(api, { headers: { 'X-Forwarded-For': '10.0.0.1, 203.0.113.8' } })).status).toBe(200);
      } finally {
        await server.close();
      }
    });

    it('with TRUST_PROXY=2 the address is the second entry from the right', async () => {
      const server = await startTestServer(db, { now: FIXED_NOW, env: { API_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '2' } });
      try {
        const api = `${server.url}/api/papers/2506.06001`;
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await fetch(api, { headers: { 'X-Forwarded-For': `10.9.9.${i}, 198.51.100.4, 192.0.2.${i}` } })).status);
        expect(statuses).toEqual([200, 200, 429, 429]);
      } finally {
        await server.close();
      }
    });
  });

  describe('hostile input gets a 4xx with a message, never a 500', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(db, { now: FIXED_NOW });
    });
    afterAll(() => server.close());

    it('a sign-in page for a signed-in person with a NUL in next redirects home', async () => {
      const user = await makeUser(db, { role: 'user' });
      const { token } = await createSession(db, user.id, { ttlMs: 3_600_000 });
      for (const next of ['%2F%00', '%2F%0D%0ASet-Cookie:%20x=1', '%2F%7F', '%2Fcaf%C3%A9']) {
        const res = await fetch(`${server.url}/signin?next=${next}`, { headers: { Cookie: `pf_session=${token}` }, redirect: 'manual' });
        expect(res.status, next).toBe(303);
        expect(res.headers.get('location'), next).toMatch(/^\/[\x21-\x7e]*$/);
      }
    });

    it('a password sign-in with a NUL in next signs in and goes home, creating exactly one session', async () => {
      const user = await makeUser(db, { role: 'user' });
      await setPasswordHash(db, user.id, await hashPassword('correct horse battery'));
      const client = new WebClient(server.url);
      const csrf = await client.csrf('/signin');
      const res = await client.post('/signin/password', { _csrf: csrf, email: user.email, password: 'correct horse battery', next: '/\0x' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/');
      const sessions = await db.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
      expect(sessions).toHaveLength(1);
    });

    it('malformed multipart bodies are a 400 with a message, and no stack trace', async () => {
      const client = new WebClient(server.url);
      const csrf = await client.csrf('/signin');
      const bodies = [
        { type: 'multipart/form-data; boundary=x', body: '--x\r\nbroken' },
        { type: 'multipart/form-data', body: `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--x--\r\n` },
        { type: 'multipart/form-data; boundary=x', body: '' },
      ];
      for (const { type, body } of bodies) {
        const res = await client.request('/signin/email', { method: 'POST', headers: { 'content-type': type }, body });
        const text = await res.text();
        expect(res.status, type).toBe(400);
        expect(text).toMatch(/form|body/i);
        expect(text).not.toMatch(/ at \S+ \(|TypeError|node:internal/);
      }
      // Without the CSRF cookie the request is refused before its body is read at all.
      const anonymous = await fetch(`${server.url}/signin/email`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        body: '--x\r\nbroken',
      });
      expect(anonymous.status).toBe(403);
    });

    it('an unsafe request without a CSRF cookie, or over the body limit, is refused before its body is read', async () => {
      // The bodies are announced but never sent: the answers must come without waiting for them.
      const head = (length: number) =>
        [`POST /signin/email HTTP/1.1`, `Host: 127.0.0.1`, 'Content-Type: application/x-www-form-urlencoded', `Content-Length: ${length}`].join('\r\n');
      const noCookie = await rawRequest(server.url, head(200 * 1024), 'email=a%40b.c&', { endBody: false });
      expect(noCookie.status).toBe(403);
      expect(noCookie.body).toMatch(/did not come from this site/);
      const tooLarge = await rawRequest(server.url, head(1024 * 1024), 'email=a%40b.c&', { endBody: false });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body).toMatch(/limited to \d+ bytes/);
    });

    it('closes a kept-alive connection only after an answer that says so, whatever happened to the body', async () => {
      // A client sends its next request down the connection the last answer left open. A refused upload still on
      // its way (over the body limit) is not read further and its connection is dropped right after the answer: that
      // answer must say Connection: close, or the client's next request on it is reset (the soak bench saw this).
      const csrfCookie = `Cookie: pf_csrf=${'c'.repeat(43)}`;
      const post = (path: string, headers: string[], body: string) =>
        [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
      const form = 'Content-Type: application/x-www-form-urlencoded';
      const cases = [
        { name: 'over the body limit', request: post('/signin/email', [form, csrfCookie], `email=${'a'.repeat(1 << 20)}`), status: 413, keptOpen: false },
        { name: 'forged post', request: post('/subscribe', [form], 'email=victim%40example.org'), status: 403, keptOpen: true },
        {
          name: 'malformed multipart',
          request: post('/signin/email', ['Content-Type: multipart/form-data; boundary=x', csrfCookie], '--x\r\nbroken'),
          status: 400,
          keptOpen: true,
        },
        { name: 'search by POST', request: post('/api/papers/search', ['Content-Type: application/json'], '{"q":"graph"}'), status: 200, keptOpen: true },
      ];
      for (const c of cases) {
        const connection = keptAliveConnection(server.url);
        const answer = await connection.send(c.request);
        expect(answer?.status, c.name).toBe(c.status);
        const saysClose = /^connection: *close/im.test(answer!.headers);
        if (saysClose) {
          expect(await connection.ended, c.name).toBe('closed');
        } else {
          // Later than the server's clean-up of an unread body (two timer turns), well inside its keep-alive time.
          await new Promise((r) => setTimeout(r, 100));
          expect((await connection.send(['GET /healthz HTTP/1.1', 'Host: 127.0.0.1', '', ''].join('\r\n')))?.status, c.name).toBe(200);
          connection.close();
        }
        expect(!saysClose, c.name).toBe(c.keptOpen);
      }
    });

    it('form bodies over the form limit are a 413 with a message', async () => {
      const client = new WebClient(server.url);
      const csrf = await client.csrf('/signin');
      const res = await client.post('/signin/email', { _csrf: csrf, email: 'a@example.org', filler: 'x'.repeat(300 * 1024) });
      expect(res.status).toBe(413);
      expect(await res.text()).toMatch(/limited to \d+/);
    });
  });

  describe('long URLs, long queries and banned accounts', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(db, { now: FIXED_NOW });
    });
    afterAll(() => server.close());

    it('a URL over the limit is a 414 with a message; oversized headers a 431 with a message', async () => {
      const longUrl = await rawRequest(server.url, `GET /search?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1`);
      expect(longUrl.status).toBe(414);
      expect(longUrl.body).toMatch(/URL.*longer than|POST/i);
      const bigHeaders = await rawRequest(server.url, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'b'.repeat(20_000)}`);
      expect(bigHeaders.status).toBe(431);
      expect(bigHeaders.body).toMatch(/header/i);
    });

    it('accepts a 20,000-character query by POST, as a form and as JSON', async () => {
      const q = `transformer ${'attention '.repeat(1999)}`.slice(0, 20_000);
      const page = await fetch(`${server.url}/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ q }),
      });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Search papers');
      const api = await fetch(`${server.url}/api/papers/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ q, limit: 5 }),
      });
      expect(api.status).toBe(200);
      expect(Array.isArray(await api.json())).toBe(true);
      const tooLong = await fetch(`${server.url}/api/papers/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ q: 'x'.repeat(20_001) }),
      });
      expect(tooLong.status).toBe(400);
      expect((await tooLong.json()).error.message).toMatch(/20000|20,000/);
    });

    it('serves security.txt with the operator contact', async () => {
      const res = await fetch(`${server.url}/.well-known/security.txt`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(`Contact: mailto:${server.config.CONTACT_EMAIL}`);
      expect(Date.parse(/^Expires: (.+)$/m.exec(text)![1])).toBeGreaterThan(Date.now());
    });

    it('refuses repeated parameters and treats prototype names as plain names', async () => {
      const repeated = await fetch(`${server.url}/api/papers/search?q=a&q=b`);
      expect(repeated.status).toBe(400);
      expect((await repeated.json()).error.message).toMatch(/q given more than once/);
      expect((await fetch(`${server.url}/api/daily_papers?constructor=1`)).status).toBe(200);
      expect((await fetch(`${server.url}/api/daily_papers?__proto__=1&toString=2`)).status).toBe(200);
    });

    it('a banned account answers a right password exactly as a wrong one', async () => {
      const user = await makeUser(db, { role: 'user' });
      await setPasswordHash(db, user.id, await hashPassword('correct horse battery'));
      await db.db.updateTable('users').set({ banned_at: new Date().toISOString() }).where('id', '=', user.id).execute();
      const attempt = async (password: string) => {
        const client = new WebClient(server.url);
        const res = await client.post('/signin/password', { _csrf: await client.csrf('/signin'), email: user.email, password });
        return { status: res.status, error: /class="form-error"[^>]*>([^<]*)</.exec(await res.text())?.[1] };
      };
      const right = await attempt('correct horse battery');
      const wrong = await attempt('wrong horse battery');
      expect(right).toEqual(wrong);
      expect(right.status).toBe(401);
    });
  });

  describe('digest previews', () => {
    it('compose at most DIGEST_PREVIEW_RATE_LIMIT_PER_MINUTE a minute per address; repeats come from the preview cache', async () => {
      // A store of its own: the limit is counted in the database.
      const own = await createTestDatabase('sqlite');
      await seedFixtures(own);
      const server = await startTestServer(own, { now: FIXED_NOW, env: { DIGEST_PREVIEW_RATE_LIMIT_PER_MINUTE: '3' } });
      try {
        const preview = (date: string, extra = '') => fetch(`${server.url}/digest/preview?frequency=daily&paperCount=5&date=${date}${extra}`);
        const first = await preview('2025-06-03');
        expect(first.status).toBe(200);
        const html = await first.text();
        // The same parameters again, and in another spelling that parses the same: no new composition.
        for (let i = 0; i < 5; i++) expect(await (await preview('2025-06-03')).text()).toBe(html);
        expect((await preview('2025-06-03', '&format=html')).status).toBe(200);
        expect((await preview('2025-06-04')).status).toBe(200);
        expect((await preview('2025-06-05')).status).toBe(200);
        const cycled = await preview('2025-06-06');
        expect(cycled.status).toBe(429);
        expect(cycled.headers.get('retry-after')).toMatch(/^\d+$/);
        // Cached previews stay free past the limit.
        expect((await preview('2025-06-03')).status).toBe(200);
      } finally {
        await server.close();
        await own.drop();
      }
    });
  });

  describe('changing a password', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(db, { now: FIXED_NOW });
    });
    afterAll(() => server.close());

    const settingsClient = async (token: string) => {
      const client = new WebClient(server.url);
      client.cookies.set('pf_session', token);
      return { client, csrf: await client.csrf('/settings') };
    };
    const stillSignedIn = async (token: string) =>
      (await fetch(`${server.url}/settings`, { headers: { Cookie: `pf_session=${token}` }, redirect: 'manual' })).status === 200;

    it('needs the current password, then signs out every other browser; tokens stay unless asked', async () => {
      const user = await makeUser(db, { role: 'user' });
      await setPasswordHash(db, user.id, await hashPassword('old password 123'));
      const mine = (await createSession(db, user.id, { ttlMs: 3_600_000 })).token;
      const other = (await createSession(db, user.id, { ttlMs: 3_600_000 })).token;
      const { token: apiToken } = await createApiToken(db, user.id, 'script');
      const { client, csrf } = await settingsClient(mine);
      const without = await client.post('/settings/password', { _csrf: csrf, password: 'new password 456' });
      expect(without.status).toBe(400);
      expect(await without.text()).toContain('The current password is not right.');
      expect((await client.post('/settings/password', { _csrf: csrf, currentPassword: 'wrong password', password: 'new password 456' })).status).toBe(400);
      expect(await stillSignedIn(other)).toBe(true);
      const changed = await client.post('/settings/password', { _csrf: csrf, currentPassword: 'old password 123', password: 'new password 456' });
      expect(changed.status).toBe(200);
      expect(await changed.text()).toContain('1 other browser was signed out');
      expect(await stillSignedIn(mine)).toBe(true);
      expect(await stillSignedIn(other)).toBe(false);
      const api = await fetch(`${server.url}/api/papers/2506.06001/comments`, { headers: { Authorization: `Bearer ${apiToken}` } });
      expect(api.status).toBe(200);
      const again = await client.post('/settings/password', {
        _csrf: csrf,
        currentPassword: 'new password 456',
        password: 'third password 789',
        revokeTokens: 'yes',
      });
      expect(await again.text()).toContain('1 access token was revoked');
      expect((await fetch(`${server.url}/api/papers/2506.06001/comments`, { headers: { Authorization: `Bearer ${apiToken}` } })).status).toBe(401);
    });

    it('an account without a password sets its first one only soon after signing in', async () => {
      const user = await makeUser(db, { role: 'user' });
      const stale = (await createSession(db, user.id, { ttlMs: 3_600_000 }, new Date(Date.now() - 20 * 60_000))).token;
      const fresh = (await createSession(db, user.id, { ttlMs: 3_600_000 })).token;
      const old = await settingsClient(stale);
      const refused = await old.client.post('/settings/password', { _csrf: old.csrf, password: 'first password 1' });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toMatch(/sign in again with an emailed link/);
      const recent = await settingsClient(fresh);
      expect((await recent.client.post('/settings/password', { _csrf: recent.csrf, password: 'first password 1' })).status).toBe(200);
      expect(await stillSignedIn(stale)).toBe(false);
    });
  });

  describe('the email digest sign-up', () => {
    let server: TestServer;
    beforeAll(async () => {
      // The real clock: the mail queue gives up on a link whose lifetime has passed by the sender's clock.
      server = await startTestServer(db, { env: { SECRET_KEY: 's'.repeat(40) } });
    });
    afterAll(() => server.close());

    const outbox = () => path.join(server.config.dataDir, 'outbox');
    const mails = () =>
      fs.existsSync(outbox())
        ? fs
            .readdirSync(outbox())
            .filter((f) => f.endsWith('.eml'))
            .map((f) => fs.readFileSync(path.join(outbox(), f), 'utf8'))
        : [];

    it("a stranger's second sign-up for a pending address cannot change what the owner's link confirms", async () => {
      const subscribe = async (interest: string) => {
        const client = new WebClient(server.url);
        const csrf = await client.csrf('/subscribe');
        const form = new URLSearchParams({
          _csrf: csrf,
          email: 'owner@example.org',
          frequency: 'weekly',
          paperCount: '10',
          timeZone: 'UTC',
          sendHour: '7',
          interests: interest,
        });
        const res = await client.request('/subscribe', {
          method: 'POST',
          body: form.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect(res.status).toBe(200);
      };
      await subscribe('protein folding');
      // Sign-up mail goes through the mail queue: it is sent just after the answer, not before it.
      await expect.poll(() => mails().length, { timeout: 20_000 }).toBe(1);
      const mail = await simpleParser(mails()[0]);
      const link = /\/subscribe\/confirm\?token=([A-Za-z0-9._%-]+)/.exec(mail.text ?? '');
      expect(link).not.toBeNull();
      await subscribe('cryptocurrency spam');
      await new Promise((r) => setTimeout(r, 1_000)); // time for a second mail, were one queued
      expect(mails()).toHaveLength(1);
      const owner = new WebClient(server.url);
      const token = decodeURIComponent(link![1]);
      const page = await (await owner.get(`/subscribe/confirm?token=${encodeURIComponent(token)}`)).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
      await owner.post('/subscribe/confirm', { _csrf: csrf, token });
      const row = await db.db
        .selectFrom('subscriptions')
        .select(['status', 'interests'])
        .where('email_key', '=', 'owner@example.org')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.interests)).not.toContain('cryptocurrency spam');
      if (row.status === 'active') expect(JSON.parse(row.interests)).toEqual(['protein folding']);
    });
  });
});
