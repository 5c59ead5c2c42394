// Pages rendered once per store version and completed per viewer (page-template.ts): the listings (daily, weekly,
// monthly, home, trending) and paper pages. A template is kept under the listings change counter (src/db/memo.ts),
// which every change to what a listing shows moves, and the day it was rendered on, so it is exactly as current as
// a fresh render; a request then costs its viewer's votes and saves among the page's papers (memoised under the same
// counter), its live parts if it has any, and the fill.
import type { Context } from 'hono';
import type { Database } from '../../db/connect.ts';
import { votesAndSavesAmong } from '../../db/library.ts';
import type { Memo } from '../../db/memo.ts';
import { LruCache } from '../../lru.ts';
import type { Services } from '../../services.ts';
import { type LiveParts, type Template, TemplateBuilder, type Viewer } from './page-template.ts';
import { readsOf } from '../http/request-reads.ts';
import { accountOf, htmlResponse } from '../http/responses.tsx';
import { csrfToken } from '../security/csrf.ts';
import { currentUser } from '../security/auth.ts';

export interface RenderedPage {
  document: string;
  /** The papers on the page, whose votes and saves the viewer's controls show. */
  paperIds: string[];
  lastModified: string | null;
}

interface Entry {
  template: Template;
  paperIds: string[];
  lastModified: string | null;
}

/** A signed-in viewer's live parts of one template, and when the clock alone would change them (null: never). */
interface KeptLive {
  parts: LiveParts;
  changesAt: number | null;
  size: number;
}

interface StoreCaches {
  templates: LruCache<string, Entry>;
  live: LruCache<string, KeptLive>;
}

/**
 * Templates by counter, URL and inputs, one cache per store connection (a counter value means something only in its
 * own store). 8 MiB of UTF-8 hold about 140 listing pages of 60 KB or 250 paper pages, the hot ones; entries of
 * older counter values are never read again and leave as new ones come. Beside them, signed-in viewers' live parts
 * (a paper page's discussion, claim form and controls, a few KB each), 4 Mi characters of them.
 */
const cachesByStore = new WeakMap<Memo, StoreCaches>();

function cachesOf(memo: Memo): StoreCaches {
  let caches = cachesByStore.get(memo);
  if (!caches) {
    caches = {
      templates: new LruCache<string, Entry>({ maxEntries: 5_000, maxSize: 8 * 1024 * 1024, sizeOf: (e) => e.template.size }),
      live: new LruCache<string, KeptLive>({ maxEntries: 5_000, maxSize: 4 * 1024 * 1024, sizeOf: (kept) => kept.size }),
    };
    cachesByStore.set(memo, caches);
  }
  return caches;
}

export interface PageInputs {
  /**
   * Everything besides the URL and the store that the page shows: the day it is rendered for, any text that
   * follows the clock, what search said.
   */
  inputs: string;
  /** Request headers the response varies on, besides the cookie. */
  vary?: string[];
  /** Renders the live holes for a signed-in viewer (page-template.ts). */
  live?: () => Promise<RenderedLive>;
}

export interface RenderedLive {
  parts: LiveParts;
  /** When the parts would first read differently by the clock alone (an Edit button's window closing); null: never. */
  changesAt: number | null;
}

/**
 * The page for this request: from the kept template when there is one for this URL, counter and inputs, else
 * rendered by `render` and kept.
 */
export async function templatedPage(
  c: Context,
  ctx: Pick<Services, 'database'>,
  page: PageInputs,
  render: (template: TemplateBuilder) => Promise<RenderedPage>,
): Promise<Response> {
  const reads = readsOf(c, ctx.database);
  const version = await reads.memo.version();
  const key = version === null ? null : `${version}\n${c.req.url}\n${page.inputs}`;
  // Kept per store connection: the request's view of the memo is its own, the store's is shared.
  const caches = cachesOf(ctx.database.memo);
  const { templates } = caches;
  let entry = key ? templates.get(key) : undefined;
  if (!entry) {
    const builder = new TemplateBuilder();
    const rendered = await render(builder);
    entry = { template: builder.finish(rendered.document), paperIds: rendered.paperIds, lastModified: rendered.lastModified };
    if (key) templates.set(key, entry);
  }
  const viewer = await viewerOf(reads, c, entry.paperIds);
  const live = viewer.account && page.live ? await livePartsOf(caches.live, key, c, page.live) : undefined;
  const { body, etag } = entry.template.fill(viewer, () => csrfToken(c), live);
  return htmlResponse(c, body, entry.lastModified, page.vary ?? [], etag);
}

/**
 * The live parts for this request's signed-in viewer: kept per template key, person and CSRF token, since within one
 * reading of the store (the template key's counter value) everything they show is fixed except what follows the
 * clock, which the parts say. Any change to what they read (a comment, a claim, a vote, a collection, the person's
 * role) moves the counter and so the key.
 */
async function livePartsOf(kept: LruCache<string, KeptLive>, templateKey: string | null, c: Context, render: () => Promise<RenderedLive>): Promise<LiveParts> {
  const user = currentUser(c)!;
  const key = templateKey === null ? null : `${templateKey}\n${user.id}\n${user.role}\n${csrfToken(c)}`;
  const known = key === null ? undefined : kept.get(key);
  if (known && (known.changesAt === null || Date.now() < known.changesAt)) return known.parts;
  const { parts, changesAt } = await render();
  if (key !== null) kept.set(key, { parts, changesAt, size: Object.values(parts).reduce((n, part) => n + part.length, key.length) });
  return parts;
}

const nobody: Viewer = { account: null, upvoted: new Set(), saved: new Set() };

async function viewerOf(database: Database, c: Context, paperIds: string[]): Promise<Viewer> {
  const user = currentUser(c);
  if (!user) return nobody;
  return { account: accountOf(c), ...(await votesAndSavesAmong(database, user.id, paperIds)) };
}
