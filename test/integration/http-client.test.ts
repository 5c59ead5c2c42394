// The polite fetcher against real local servers: pacing shared across arXiv's hosts (and across
// processes through the database), 429 pauses, 503 Retry-After, retries, limits, private-address refusal.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  databasePacingStore,
  HttpClient,
  httpClientOptions,
  HttpError,
  isPrivateAddress,
  memoryPacingStore,
  ServicePausedError,
  type HttpClientOptions,
} from '../../src/ingest/http.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { startReplayServer, type ReplayServer } from '../helpers/replay-server.ts';
import { DATA_SOURCES, sourcePath } from '../helpers/corpus.ts';

const servers: ReplayServer[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(handler: Parameters<typeof startReplayServer>[0]) {
  const s = await startReplayServer(handler);
  servers.push(s);
  return s;
}

function client(overrides: Partial<HttpClientOptions> = {}, env: Record<string, string> = {}): HttpClient {
  const config = loadConfig({
    ALLOW_PRIVATE_NETWORK: 'true',
    CONTACT_EMAIL: 'ops@example.org',
    HTTP_RETRY_BASE_MS: '10',
    ARXIV_MIN_INTERVAL_MS: '0',
    GITHUB_MIN_INTERVAL_MS: '0',
    HF_MIN_INTERVAL_MS: '0',
    ...env,
  });
  const c = new HttpClient({ ...httpClientOptions(config, memoryPacingStore()), ...overrides });
  clients.push(c);
  return c;
}

const ok = () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' });

describe('pacing', () => {
  it('spaces N requests over the arXiv API, OAI-PMH and RSS hosts by the shared interval', async () => {
    const api = await server(ok);
    const oai = await server(ok);
    const rss = await server(ok);
    const http = client({}, { ARXIV_MIN_INTERVAL_MS: '200' });
    const urls = [api, oai, rss, api, oai, rss].map((s) => `${s.url}/x`);
    const started = Date.now();
    // Fired all at once: the client must still send them one at a time, 200 ms apart.
    await Promise.all(urls.map((u) => http.get('arxiv', u)));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual((urls.length - 1) * 200);
    const arrivals = [...api.requests, ...oai.requests, ...rss.requests].map((r) => r.at).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(6);
    // Arrivals carry connection latency on top of the client's spacing, hence a small allowance.
    expect(arrivals[5] - arrivals[0]).toBeGreaterThanOrEqual(5 * 200 - 50);
  });

  it('does not slow other services down', async () => {
    const s = await server(ok);
    const http = client({}, { ARXIV_MIN_INTERVAL_MS: '60000', GITHUB_MIN_INTERVAL_MS: '0' });
    await http.get('arxiv', `${s.url}/a`);
    const started = Date.now();
    await http.get('github', `${s.url}/g1`);
    await http.get('github', `${s.url}/g2`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  describe.each(databaseKinds)('across processes on %s', (kind) => {
    let store: TestDatabase;
    afterEach(async () => store?.drop());

    it('two clients sharing one database keep the interval between all their requests', async () => {
      store = await createTestDatabase(kind);
      const s = await server(ok);
      const config = loadConfig({ ALLOW_PRIVATE_NETWORK: 'true', ARXIV_MIN_INTERVAL_MS: '150' });
      const a = new HttpClient(httpClientOptions(config, databasePacingStore(store)));
      const b = new HttpClient(httpClientOptions(config, databasePacingStore(store)));
      clients.push(a, b);
      const started = Date.now();
      await Promise.all([0, 1, 2].flatMap((i) => [a.get('arxiv', `${s.url}/a${i}`), b.get('arxiv', `${s.url}/b${i}`)]));
      expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 150);
      const arrivals = s.requests.map((r) => r.at).sort((x, y) => x - y);
      expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThanOrEqual(5 * 150 - 50);
    });

    it('a 429 seen by one client pauses the service for the other', async () => {
      store = await createTestDatabase(kind);
      const s = await server(() => ({ status: 429, body: 'slow down' }));
      const config = loadConfig({ ALLOW_PRIVATE_NETWORK: 'true', ARXIV_MIN_INTERVAL_MS: '0', HTTP_429_PAUSE_MS: '600000' });
      const a = new HttpClient(httpClientOptions(config, databasePacingStore(store)));
      const b = new HttpClient(httpClientOptions(config, databasePacingStore(store)));
      clients.push(a, b);
      await expect(a.get('arxiv', `${s.url}/q`)).rejects.toBeInstanceOf(ServicePausedError);
      const err = await b.get('arxiv', `${s.url}/q`).catch((e) => e);
      expect(err).toBeInstanceOf(ServicePausedError);
      expect((err as ServicePausedError).until).toBeGreaterThanOrEqual(Date.now() + 590_000);
      expect(s.requests).toHaveLength(1);
    });
  });
});

describe('flow control and retries', () => {
  it('a 429 pauses the source for at least the configured pause; other services go on', async () => {
    const s = await server((r) => (r.path === '/arxiv' ? { status: 429, headers: { 'retry-after': '5' }, body: 'Too Many Requests' } : ok()));
    const http = client({ rateLimitPauseMs: 600_000 });
    const before = Date.now();
    const err = await http.get('arxiv', `${s.url}/arxiv`).catch((e) => e);
    expect(err).toBeInstanceOf(ServicePausedError);
    expect(err.until).toBeGreaterThanOrEqual(before + 600_000);
    // Paused: refused without touching the network.
    await expect(http.get('arxiv', `${s.url}/arxiv`)).rejects.toBeInstanceOf(ServicePausedError);
    expect(s.requests.filter((r) => r.path === '/arxiv')).toHaveLength(1);
    expect((await http.get('github', `${s.url}/other`)).status).toBe(200);
  });

  for (const source of DATA_SOURCES)
    it.skipIf(!source.available)(`honours arXiv's 503 Retry-After, then succeeds (${source.label})`, async () => {
      const body503 =
        source.name === 'shared'
          ? fs.readFileSync(sourcePath(source, 'arxiv-oai-pmh-2023-03-07', 'retry_after_503_body.html'), 'utf8')
          : '<html><body>\n<h1>Retry after 1 seconds</h1>\n</body></html>';
      let calls = 0;
      const s = await server(() => (++calls === 1 ? { status: 503, headers: { 'retry-after': '1', 'content-type': 'text/html' }, body: body503 } : ok()));
      const http = client({ retryBaseMs: 0 });
      const started = Date.now();
      const res = await http.get('arxiv', `${s.url}/oai`);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(s.requests).toHaveLength(2);
    });

  it('gives up on a Retry-After longer than the configured maximum', async () => {
    const s = await server(() => ({ status: 503, headers: { 'retry-after': '3600' }, body: '' }));
    const http = client({ maxRetryAfterMs: 60_000 });
    await expect(http.get('arxiv', `${s.url}/oai`)).rejects.toThrow(/retry after 3600 s/);
    expect(s.requests).toHaveLength(1);
  });

  it('retries 5xx and connection failures with backoff, then reports the failure', async () => {
    let calls = 0;
    const flaky = await server(() => (++calls < 3 ? { status: 502, body: 'bad gateway' } : ok()));
    const http = client({ maxRetries: 3, retryBaseMs: 20 });
    expect((await http.get('github', `${flaky.url}/r`)).status).toBe(200);
    expect(flaky.requests).toHaveLength(3);

    const down = await server(() => ({ status: 500, body: 'boom' }));
    const err = await http.get('github', `${down.url}/r`).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(500);
    expect(down.requests).toHaveLength(4);

    const closed = await server(ok);
    await closed.close();
    servers.splice(servers.indexOf(closed), 1);
    const refused = await http.get('github', `${closed.url}/r`).catch((e) => e);
    expect(refused).toMatchObject({ kind: 'network' });
    expect(refused.message).toMatch(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('returns 4xx and 304 answers to the caller without retrying', async () => {
    const s = await server((r) => (r.path === '/nm' ? { status: 304 } : { status: 400, body: 'bad' }));
    const http = client();
    expect((await http.get('arxiv', `${s.url}/bad`)).status).toBe(400);
    expect((await http.get('github', `${s.url}/nm`)).status).toBe(304);
    expect(s.requests).toHaveLength(2);
  });

  it('pauses a service whose rate limit is exhausted until the reset time', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const s = await server(() => ({ status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: '{}' }));
    const http = client();
    expect((await http.get('github', `${s.url}/repos/a/b`)).status).toBe(200);
    const err = await http.get('github', `${s.url}/repos/a/c`).catch((e) => e);
    expect(err).toBeInstanceOf(ServicePausedError);
    expect(err.until).toBeGreaterThanOrEqual(reset * 1000 - 1000);
    expect(s.requests).toHaveLength(1);
  });
});

describe('limits and identity', () => {
  it('sends a User-Agent with the contact address', async () => {
    const s = await server(ok);
    await client().get('hf', `${s.url}/api/daily_papers`);
    expect(s.requests[0].headers['user-agent']).toMatch(/^Paperfeed\/\S+ \(.*mailto:ops@example\.org\)$/);
  });

  it('times out a server that never answers', async () => {
    const s = await server(() => ({ hang: true }));
    const err = await client({ timeoutMs: 300, maxRetries: 0 })
      .get('arxiv', `${s.url}/slow`)
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'timeout' });
  });

  it('refuses bodies over the maximum size, compressed or not, and decompresses gzip', async () => {
    const big = 'x'.repeat(5000);
    const s = await server((r) =>
      r.path === '/plain' ? { body: big } : { headers: { 'content-encoding': 'gzip' }, body: zlib.gzipSync(r.path === '/small' ? 'hello' : big) },
    );
    const http = client({ maxBodyBytes: 2048, maxRetries: 0 });
    await expect(http.get('arxiv', `${s.url}/plain`)).rejects.toMatchObject({ kind: 'too_large' });
    await expect(http.get('arxiv', `${s.url}/bomb`)).rejects.toMatchObject({ kind: 'too_large' });
    expect((await http.get('arxiv', `${s.url}/small`)).body).toBe('hello');
  });

  it('follows redirects (a renamed GitHub repository)', async () => {
    const s = await server((r) => (r.path === '/old' ? { status: 301, headers: { location: '/new' } } : { body: 'moved here' }));
    const res = await client().get('github', `${s.url}/old`);
    expect(res).toMatchObject({ status: 200, body: 'moved here' });
  });
});

describe('private destinations', () => {
  it('classifies loopback, private, link-local and mapped addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.9',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fc00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '151.101.1.1', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses loopback by address and by name unless allowed, without sending anything', async () => {
    const s = await server(ok);
    const strict = client({ allowPrivateNetwork: false, maxRetries: 0 });
    await expect(strict.get('arxiv', `${s.url}/x`)).rejects.toMatchObject({ kind: 'refused' });
    const byName = await strict.get('github', `http://localhost:${s.port}/x`).catch((e) => e);
    expect(byName).toMatchObject({ kind: 'refused' });
    expect(byName.message).toMatch(/resolves to private address/);
    await expect(strict.get('hf', `http://[::1]:${s.port}/x`)).rejects.toMatchObject({ kind: 'refused' });
    expect(s.requests).toHaveLength(0);
    expect((await client({ allowPrivateNetwork: true }).get('arxiv', `${s.url}/x`)).status).toBe(200);
  });
});
