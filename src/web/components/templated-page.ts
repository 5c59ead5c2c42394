// Pages rendered once per store version and completed per viewer (page-template.ts): the listings (daily, weekly,
// monthly, home, trending) and paper pages. A template is kept under the listings change counter (src/db/memo.ts),
// which every change to what a listing shows moves, and the day it was rendered on, so it is exactly as current as
// a fresh render; a request then costs its viewer's votes and saves among the page's papers (memoised under the same
// counter), its live parts if it has any, and the fill. A signed-in viewer's filled page is kept the same way, so
// their next view of it, until something it shows changes, costs a lookup as an anonymous one does.
import type { Context } from 'hono';
import type { Database } from '../../db/connect.ts';
import { votesAndSavesAmong } from '../../db/library.ts';
import type { Memo } from '../../db/memo.ts';
import { LruCache } from '../../lru.ts';
import type { Services } from '../../services.ts';
import { type FilledPage, type LiveParts, type Template, TemplateBuilder, type Viewer } from './page-template.ts';
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

/** A signed-in viewer's copy of one template, and when the clock alone would change it (null: never). */
interface KeptPage {
  page: FilledPage;
  changesAt: number | null;
}

interface StoreCaches {
  templates: LruCache<string, Entry>;
  personal: LruCache<string, KeptPage>;
}

/**
 * Templates by counter, URL and inputs, one cache per store connection (a counter value means something only in its
 * own store). Each is counted at what it holds, its anonymous page and the signed-in variants rendered so far:
 * 8 MiB hold about 140 listing pages of 60 KB or 250 paper pages, the hot ones; entries of older counter values are
 * never read again and leave as new ones come. Beside them, the same for signed-in viewers' filled pages: 8 MiB
 * more, about 140 views.
 */
const cachesByStore = new WeakMap<Memo, StoreCaches>();

function cachesOf(memo: Memo): StoreCaches {
  let caches = cachesByStore.get(memo);
  if (!caches) {
    caches = {
      templates: new LruCache<string, Entry>({ maxEntries: 5_000, maxSize: 8 * 1024 * 1024, sizeOf: (e) => e.template.size }),
      personal: new LruCache<string, KeptPage>({ maxEntries: 5_000, maxSize: 8 * 1024 * 1024, sizeOf: (kept) => kept.page.body.length }),
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
  const kept = key === null ? null : personalKey(c, key);
  const known = kept === null ? undefined : caches.personal.get(kept);
  if (known && (known.changesAt === null || Date.now() < known.changesAt)) {
    return htmlResponse(c, known.page.body, entry.lastModified, page.vary ?? [], known.page.etag);
  }
  const viewer = await viewerOf(reads, c, entry.paperIds);
  const live = viewer.account && page.live ? await page.live() : undefined;
  const size = entry.template.size;
  const filled = entry.template.fill(viewer, () => csrfToken(c), live?.parts);
  // A variant rendered for this viewer is kept with the template: counted again, so the bound holds.
  if (key && entry.template.size !== size && templates.get(key) === entry) templates.set(key, entry);
  if (kept !== null) caches.personal.set(kept, { page: filled, changesAt: live?.changesAt ?? null });
  return htmlResponse(c, filled.body, entry.lastModified, page.vary ?? [], filled.etag);
}

/**
 * What a signed-in viewer's copy of the template under `templateKey` is kept by; null for anonymous viewers (the
 * template keeps theirs) and for a browser that has no CSRF cookie yet (its token is new on every request). Within
 * one reading of the store (the key's counter value) everything the copy shows is fixed but the viewer (their
 * account, as the header shows it), the CSRF token in its forms, and what follows the clock, which the live parts
 * say. Any change to what it shows (a vote, a save, a comment, a claim, a collection, the account) moves the counter
 * and so the key.
 */
function personalKey(c: Context, templateKey: string): string | null {
  const user = currentUser(c);
  if (!user) return null;
  const token = csrfToken(c);
  if (c.get('csrf').issuedCookie) return null;
  return `${templateKey}\n${user.id}\n${user.username}\n${user.role}\n${token}`;
}

const nobody: Viewer = { account: null, upvoted: new Set(), saved: new Set() };

async function viewerOf(database: Database, c: Context, paperIds: string[]): Promise<Viewer> {
  const user = currentUser(c);
  if (!user) return nobody;
  return { account: accountOf(c), ...(await votesAndSavesAmong(database, user.id, paperIds)) };
}
