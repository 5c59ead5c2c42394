// Static assets (one stylesheet, one small script, the icon) served from memory under content-hashed names, so pages can
// reference them with a strict CSP ('self' only, no inline code) and browsers can cache them forever.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Handler } from 'hono';
import { etagOf, represent } from '../http/conditional.ts';

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  hashedName: string;
  /** A strong validator: compressed variants are then made once per process (compression.ts), not per request. */
  etag: string;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const ASSET_DIR = path.join(import.meta.dirname, 'assets');

function load(): Map<string, Asset> {
  const byName = new Map<string, Asset>();
  for (const file of fs.readdirSync(ASSET_DIR)) {
    const ext = path.extname(file);
    if (!TYPES[ext]) continue;
    const body = new Uint8Array(fs.readFileSync(path.join(ASSET_DIR, file)));
    const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 12);
    byName.set(file, { body, type: TYPES[ext], hashedName: `${path.basename(file, ext)}.${hash}${ext}`, etag: etagOf(body) });
  }
  return byName;
}

const assets = load();
const byHashedName = new Map([...assets.values()].map((a) => [a.hashedName, a]));

/** The URL of an asset by its source name, e.g. assetUrl('app.css') → /assets/app.3f2a…css. */
export function assetUrl(name: string): string {
  const asset = assets.get(name);
  if (!asset) throw new Error(`no asset named ${name}`);
  return `/assets/${asset.hashedName}`;
}

/** Total bytes of JavaScript a page can load (kept under the 30 kB budget; a test checks). */
export function javascriptBytes(): number {
  return [...assets.values()].filter((a) => a.type.startsWith('text/javascript')).reduce((n, a) => n + a.body.length, 0);
}

export const serveAsset: Handler = (c) => {
  const asset = byHashedName.get(c.req.param('file') ?? '');
  if (!asset) return c.text('no such asset', 404);
  return represent(c, {
    body: asset.body,
    contentType: asset.type,
    // The name changes with the content, so the content under a name never does.
    cacheControl: 'public, max-age=31536000, immutable',
    etag: asset.etag,
  });
};
