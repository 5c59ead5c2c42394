// GET /api/daily_papers and GET /api/papers/{id}: Hugging Face's papers API, served from our store. The same
// loaders as the pages, so the JSON and the page for a day always agree.
import type { Context } from 'hono';
import { dayOf, parseDay, type Period } from '../../domain/periods.ts';
import { represent } from '../http/conditional.ts';
import { homeDay, loadPeriodListing, type ListingSort } from '../loaders.ts';
import { dailyPapersQuerySchema, parseQuery } from '../params.ts';
import { loadPaperOr404, routeArxivId } from '../routes/paper.tsx';
import type { Services } from '../../services.ts';
import { hfDailyItem, hfPaper } from './shapes.ts';

export const API_DEFAULT_LIMIT = 50;
/** The API may be cached by clients and proxies for as long as the server's own page cache keeps it. */
export const API_CACHE_CONTROL = 'public, max-age=5';
/** The earliest arXiv day; a submitter's papers are searched from here when no period is given. */
const FIRST_ARXIV_DAY = '1991-08-14';

export function jsonResponse(c: Context, value: unknown, lastModified: string | null, headers: Record<string, string> = {}): Response {
  return represent(c, {
    body: JSON.stringify(value),
    contentType: 'application/json; charset=utf-8',
    cacheControl: API_CACHE_CONTROL,
    lastModified,
    headers,
  });
}

export function apiHandlers(ctx: Services) {
  const clock = () => ctx.clock();
  return {
    dailyPapers: async (c: Context) => {
      const q = parseQuery(c, dailyPapersQuerySchema);
      let period: Period | undefined = q.date ?? q.week ?? q.month;
      if (!period && q.submitter) {
        // Everything a submitter ever submitted, as Hugging Face answers ?submitter= alone.
        period = { kind: 'day', key: 'all', start: FIRST_ARXIV_DAY, end: dayOf(clock()) };
      }
      period ??= parseDay(await homeDay(ctx.database, clock));
      const sort: ListingSort = q.sort === 'trending' ? 'trending' : q.sort === 'publishedAt' ? 'publishedAt' : 'upvotes';
      const limit = q.limit ?? API_DEFAULT_LIMIT;
      const listing = await loadPeriodListing(ctx.database, {
        period,
        category: q.category,
        submitter: q.submitter,
        page: q.p ?? 0,
        limit,
        sort,
      });
      return jsonResponse(
        c,
        listing.items.map((i) => hfDailyItem(i, ctx.config.baseUrl)),
        listing.lastModified,
        {
          // What the list holds (community submissions or arXiv announcements) and how many there are in all.
          'X-Listing-Kind': listing.kind,
          'X-Total-Count': String(listing.total),
        },
      );
    },
    paper: async (c: Context) => {
      const { item } = await loadPaperOr404(ctx, routeArxivId(c));
      return jsonResponse(c, hfPaper(item), item.paper.modifiedAt);
    },
  };
}
