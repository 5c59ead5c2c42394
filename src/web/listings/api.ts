// GET /api/daily_papers: Hugging Face's Daily Papers API, served from our store. The same loader as the pages and
// feeds, so the JSON and the page for a day always agree.
import type { Context } from 'hono';
import { z } from 'zod';
import { peopleOfListed } from '../../db/people.ts';
import { dayOf, parseDay, type Period } from '../../domain/periods.ts';
import type { Services } from '../../services.ts';
import { hfDailyItem } from '../api/shapes.ts';
import { etagOf, utf8 } from '../http/conditional.ts';
import { newest, serialisedJsonResponse } from '../http/responses.tsx';
import { readsOf } from '../http/request-reads.ts';
import { categoryParam, dayParam, limitParam, monthParam, pageParam, parseQuery, weekParam } from '../input.ts';
import { homeDay, loadPeriodListing, type ListingSort } from './loaders.ts';

const API_DEFAULT_LIMIT = 50;
/** The earliest arXiv day; a submitter's papers are searched from here when no period is given. */
const FIRST_ARXIV_DAY = '1991-08-14';

/** Hugging Face's parameters, plus category. */
const dailyPapersQuery = z
  .object({
    p: pageParam.optional(),
    limit: limitParam.optional(),
    date: dayParam.optional(),
    week: weekParam.optional(),
    month: monthParam.optional(),
    submitter: z
      .string()
      .max(100)
      .regex(/^[\w.-]+$/, 'expected a user name (letters, digits, . _ -)')
      .optional(),
    sort: z.enum(['publishedAt', 'trending'], { errorMap: () => ({ message: 'expected publishedAt or trending' }) }).optional(),
    category: categoryParam.optional(),
  })
  .refine((q) => [q.date, q.week, q.month].filter(Boolean).length <= 1, {
    message: 'give at most one of date, week and month',
  });

export function dailyPapersHandler(ctx: Services) {
  return async (c: Context) => {
    const q = parseQuery(c, dailyPapersQuery);
    const reads = readsOf(c, ctx.database);
    let period: Period | undefined = q.date ?? q.week ?? q.month;
    if (!period && q.submitter) {
      // Everything a submitter ever submitted, as Hugging Face answers ?submitter= alone.
      period = { kind: 'day', key: 'all', start: FIRST_ARXIV_DAY, end: dayOf(ctx.clock()) };
    }
    period ??= parseDay(await homeDay(reads, ctx.clock));
    const sort: ListingSort = q.sort === 'trending' ? 'trending' : q.sort === 'publishedAt' ? 'publishedAt' : 'upvotes';
    const listingQuery = { period, category: q.category, submitter: q.submitter, page: q.p ?? 0, limit: q.limit ?? API_DEFAULT_LIMIT, sort };
    const key = `api daily ${ctx.config.baseUrl} ${period.start} ${period.end} ${q.category ?? ''} ${q.submitter ?? ''} ${listingQuery.page} ${listingQuery.limit} ${sort}`;
    // The serialised answer is memoised with the listing (the same for every caller until the store changes).
    const answer = await reads.memo.get(key, async () => {
      const listing = await loadPeriodListing(reads, listingQuery);
      const people = await peopleOfListed(reads, listing.items);
      // Kept as UTF-8 bytes: a 150 KB string would be encoded again on every response.
      const body = utf8(JSON.stringify(listing.items.map((i) => hfDailyItem(i, { people: people.get(i.paper.id), baseUrl: ctx.config.baseUrl }))));
      return {
        body,
        etag: etagOf(body),
        lastModified: newest(listing.lastModified, ...[...people.values()].map((p) => p.modifiedAt)),
        kind: listing.kind,
        total: listing.total,
      };
    });
    return serialisedJsonResponse(c, answer, answer.lastModified, {
      // What the list holds (community submissions or arXiv announcements) and how many there are in all.
      'X-Listing-Kind': answer.kind,
      'X-Total-Count': String(answer.total),
    });
  };
}
