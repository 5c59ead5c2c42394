// Fuzz: every parser of outside input on the web side, through the app itself (in process: these are parsers, not
// response writing, which test/web/socket.test.ts covers on a socket). Query strings on every kind of route, ids in
// paths, form bodies of every content type, JSON bodies: the answer is always a success or a 4xx with a message,
// never a 500, within a time bound. Plus the pure pieces: arXiv ids, local redirect targets.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatArxivId, tryParseArxivId } from '../../src/domain/arxiv-id.ts';
import { safeLocalPath } from '../../src/web/input.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { WebClient } from '../helpers/web-client.ts';
import { FIXED_NOW, seedFixtures } from '../web/fixtures.ts';
import { testApp, type TestApp } from '../web/server.ts';
import { boundedAsync, HOSTILE_PIECES } from './bounds.ts';

const ROUTES = [
  '/',
  '/papers/date/2025-06-06',
  '/papers/week/2025-W23',
  '/papers/trending',
  '/api/daily_papers',
  '/api/papers/search',
  '/search',
  '/search/rss.xml',
  '/feeds/daily/atom.xml',
  '/digest/preview',
  '/signin',
  '/subscribe',
  '/api/papers/2506.06001/similar',
];
const NAMES = [
  'q',
  'p',
  'limit',
  'date',
  'week',
  'month',
  'category',
  'sort',
  'mode',
  'yearFrom',
  'yearTo',
  'author',
  'next',
  'email',
  'frequency',
  'categories',
  'interests',
  'paperCount',
  'format',
  'token',
  'constructor',
  '__proto__',
  'submitter',
];

const piece = fc.oneof(
  fc.constantFrom(...HOSTILE_PIECES, '2025-06-06', '2025-W23', '-1', '1e9', '99999999999', 'cs.CV', 'weekly', 'text', '%', '%zz', '%C0%AF', '+', '&', '='),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const value = fc.array(piece, { maxLength: 4 }).map((p) => p.join(''));
const queryString = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 6 })), value), { maxLength: 6 });

/** Lone surrogates replaced (encodeURIComponent refuses them; a browser sends U+FFFD for them). */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** A value as it would travel in a URL: percent-encoded, sometimes left raw to reach the decoder as typed. */
const encode = (s: string, raw: boolean) => (raw ? s.replace(/[#?\s]/g, encodeURIComponent) : encodeURIComponent(wellFormed(s)));

function expectClientAnswer(status: number, label: string): void {
  expect(status, label).toBeLessThan(500);
}

describe('web input', () => {
  let db: TestDatabase;
  let built: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await seedFixtures(db);
    // Rate limits high enough that the fuzzer meets the parsers, not the limiter.
    built = await testApp(db, {
      now: FIXED_NOW,
      env: { API_RATE_LIMIT_PER_MINUTE: '1000000', DIGEST_PREVIEW_RATE_LIMIT_PER_MINUTE: '1000000', SIGNIN_RATE_LIMIT: '1000000', EMBEDDER: 'none' },
    });
  });
  afterAll(async () => {
    await built.services.close();
    await db.drop();
  });

  it('query strings on every kind of route answer 2xx, 3xx or 4xx with a message', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), queryString, fc.boolean(), async (route, pairs, raw) => {
        const url = `${route}?${pairs.map(([k, v]) => `${encode(k, raw)}=${encode(v, raw)}`).join('&')}`;
        const res = await boundedAsync(
          url,
          { ms: 5_000, perInputChar: 0, constant: 1 },
          async () => built.app.request(`http://localhost${url}`),
          () => 0,
        );
        expectClientAnswer(res.status, url);
        const body = await res.text();
        if (res.status >= 400) expect(body.length, url).toBeGreaterThan(0);
        expect(body).not.toMatch(/ at [\w.<>]+ \(|node:internal/);
      }),
      { numRuns: 300 },
    );
  });

  it('ids in paths answer a page or a 404, never a 500', async () => {
    const idish = fc.oneof(
      fc.stringMatching(/^[0-9]{2,6}\.[0-9]{1,7}(v[0-9]{1,4})?$/),
      fc.stringMatching(/^[a-z-]{1,12}(\.[A-Z]{1,3})?\/[0-9]{1,9}(v[0-9]{1,3})?$/),
      value,
    );
    await fc.assert(
      fc.asyncProperty(
        idish,
        fc.constantFrom('', '/thumbnail.svg', '/discussion', '/similar'),
        fc.constantFrom('/papers/', '/api/papers/'),
        async (id, suffix, prefix) => {
          const url = `${prefix}${id
            .split('/')
            .map((p) => encodeURIComponent(wellFormed(p)))
            .join('/')}${suffix}`;
          const res = await built.app.request(`http://localhost${url}`);
          expectClientAnswer(res.status, url);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('form and JSON bodies of any content type answer 2xx, 3xx or 4xx, with or without a valid CSRF token', async () => {
    const client = new WebClient(built.app);
    const csrf = await client.csrf('/signin');
    const types = fc.constantFrom(
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      'multipart/form-data; boundary=',
      'application/json',
      'text/plain',
      '',
      'application/x-www-form-urlencoded; charset=utf-16',
    );
    const body = fc.oneof(
      value,
      fc
        .array(fc.tuple(fc.constantFrom('_csrf', 'email', 'q', 'next', 'password', 'comment'), value), { maxLength: 5 })
        .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(wellFormed(v))}`).join('&')),
      value.map((v) => `--x\r\nContent-Disposition: form-data; name="q"\r\n\r\n${v}\r\n--x--\r\n`),
      fc.json(),
    );
    const target = fc.constantFrom(
      '/signin/email',
      '/signout',
      '/search',
      '/api/papers/search',
      '/subscribe',
      '/signup',
      '/papers/2506.06001/upvote',
      '/api/papers/2506.06001/comment',
    );
    await fc.assert(
      fc.asyncProperty(target, types, body, fc.boolean(), async (path, type, text, withToken) => {
        const payload = withToken ? `_csrf=${csrf}&${text}` : text;
        const res = await boundedAsync(
          payload,
          { ms: 5_000, perInputChar: 0, constant: 1 },
          () => client.request(path, { method: 'POST', body: payload, headers: type ? { 'content-type': type } : {} }),
          () => 0,
        );
        expectClientAnswer(res.status, `${path} ${type} ${JSON.stringify(payload).slice(0, 200)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('arXiv ids parse or are refused, and a parsed id formats back to itself', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.stringMatching(/^(arXiv:)?[0-9]{4}\.[0-9]{4,5}(v[0-9]+)?$/),
          fc.stringMatching(/^[a-z-]+(\.[A-Z]{2})?\/[0-9]{7}(v[0-9]+)?$/),
        ),
        (s) => {
          const parsed = tryParseArxivId(s);
          if (parsed) expect(tryParseArxivId(formatArxivId(parsed))).toEqual(parsed);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('redirect targets are always a local path that fits in a Location header', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          value,
          fc.string({ unit: 'binary' }).map((s) => `/${s}`),
          fc.constantFrom('//evil.example', '/\\evil.example', '/%2F%2Fevil', 'https://evil.example'),
        ),
        (s) => {
          const target = safeLocalPath(s);
          expect(target).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
          expect(() => new Headers({ location: target })).not.toThrow();
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
