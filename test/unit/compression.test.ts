// The compression middleware keeps compressed bodies by strong ETag: a body seen again is not compressed again,
// and a changed body is never answered with the bytes of the old one.
import zlib from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { compressedBodies, compression } from '../../src/web/http/compression.ts';
import { represent } from '../../src/web/http/conditional.ts';

function appServing(body: () => string, etag?: () => string) {
  const cache = compressedBodies();
  const app = new Hono();
  app.use('*', compression(cache));
  app.get('/page', (c) => represent(c, { body: body(), contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' }));
  app.get('/weak', (c) => c.body(body(), 200, { 'Content-Type': 'text/html', ETag: etag?.() ?? 'W/"x"' }));
  return { app, cache };
}

async function fetchDecoded(app: Hono, path: string, coding: 'br' | 'gzip'): Promise<{ text: string; encoding: string | null }> {
  const res = await app.request(path, { headers: { 'accept-encoding': coding } });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = (coding === 'br' ? zlib.brotliDecompressSync(bytes) : zlib.gunzipSync(bytes)).toString();
  return { text, encoding: res.headers.get('content-encoding') };
}

describe('compressed bodies kept by ETag', () => {
  it('compresses a body once per coding, and a changed body gets its own bytes', async () => {
    let body = `<p>${'forty-two upvotes '.repeat(200)}</p>`;
    const { app, cache } = appServing(() => body);
    expect(await fetchDecoded(app, '/page', 'br')).toEqual({ text: body, encoding: 'br' });
    expect(await fetchDecoded(app, '/page', 'br')).toEqual({ text: body, encoding: 'br' });
    expect(cache.stats().entries).toBe(1);
    expect((await fetchDecoded(app, '/page', 'gzip')).text).toBe(body);
    expect(cache.stats().entries).toBe(2);

    body = `<p>${'forty-three upvotes '.repeat(200)}</p>`;
    expect(await fetchDecoded(app, '/page', 'br')).toEqual({ text: body, encoding: 'br' });
    expect(cache.stats().entries).toBe(3);
  });

  it('keeps nothing under a weak ETag, which need not name exact bytes', async () => {
    let body = `<p>${'a'.repeat(5000)}</p>`;
    const { app, cache } = appServing(() => body);
    expect((await fetchDecoded(app, '/weak', 'br')).text).toBe(body);
    body = `<p>${'b'.repeat(5000)}</p>`;
    expect((await fetchDecoded(app, '/weak', 'br')).text).toBe(body);
    expect(cache.stats().entries).toBe(0);
  });
});
