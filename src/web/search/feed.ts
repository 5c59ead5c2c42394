// RSS/Atom/JSON feeds of any search: /search/rss.xml?q=…, /search/atom.xml?q=…, /search/feed.json?q=…
// The ranking is the search module's; this turns its best hits into a feed, so a reader can follow a topic.
import type { Context } from 'hono';
import { z } from 'zod';
import { listedPapersByIds } from '../../db/listings.ts';
import type { Services } from '../../services.ts';
import { feedItem } from '../components/feed-item.ts';
import { feedResponse, type FeedFormat } from '../http/feeds.ts';
import { categoryParam, PAGE_SIZE, parseQuery } from '../input.ts';

const searchFeedQuery = z.object({
  q: z.string({ required_error: 'give the search as q=…' }).trim().max(2_000, 'query longer than 2000 characters'),
  category: categoryParam.optional(),
});

export function searchFeedHandler(ctx: Services) {
  return async (c: Context, format: FeedFormat): Promise<Response> => {
    const query = parseQuery(c, searchFeedQuery);
    const result = await ctx.search.search(query.q, {
      limit: PAGE_SIZE,
      filters: query.category ? { categories: [query.category] } : undefined,
    });
    const papers = await listedPapersByIds(
      ctx.database,
      result.hits.map((h) => h.id),
    );
    const page = new URLSearchParams({ q: query.q, ...(query.category ? { category: query.category } : {}) });
    return feedResponse(
      c,
      format,
      {
        title: `Paperfeed · search: ${query.q}${query.category ? ` in ${query.category}` : ''}`,
        description: `The papers that best match “${query.q}”.`,
        homePageUrl: `${ctx.config.baseUrl}/search?${page}`,
        items: papers.map((p) => feedItem(ctx.config.baseUrl, p)),
      },
      ctx.config.baseUrl,
    );
  };
}
