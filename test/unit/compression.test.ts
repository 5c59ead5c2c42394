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
  app.get('/private', (c) => represent(c, { body: body(), contentType: 'text/html; charset=utf-8', cacheControl: 'private, no-cache' }));
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

  it('compresses a body for one reader (Cache-Control: private) with the fastest settings, a shared one with the shared settings', async () => {
    // Varied text, so that the settings give different bytes.
    const body = Array.from({ length: 400 }, (_, i) => `<li data-i="${i}">paper ${(i * 7919) % 1009} by author ${(i * 104729) % 613}</li>`).join('');
    // A fresh app per request: one body under one ETag is compressed once, whichever route asked first.
    const raw = async (path: string, coding: string) =>
      Buffer.from(await (await appServing(() => body).app.request(path, { headers: { 'accept-encoding': coding } })).arrayBuffer());
    const brotliAt = (quality: number) =>
      zlib.brotliCompressSync(body, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
      });
    expect(brotliAt(1).equals(brotliAt(5))).toBe(false);
    expect((await raw('/private', 'br')).equals(brotliAt(1))).toBe(true);
    expect((await raw('/page', 'br')).equals(brotliAt(5))).toBe(true);
    expect(zlib.gunzipSync(await raw('/private', 'gzip')).toString()).toBe(body);
    expect((await raw('/private', 'gzip')).length).toBeGreaterThan((await raw('/page', 'gzip')).length);
  });
});
