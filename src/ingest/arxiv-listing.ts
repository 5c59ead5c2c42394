// The daily announcement listing (rss.arxiv.org) for the configured categories, fetched as one feed: it
// is the only arXiv source that says on which day a paper was announced.
import { saveCursor } from '../db/harvest.ts';
import { upsertPapers } from '../db/papers.ts';
import { normalizePaper, type Paper } from '../domain/paper.ts';
import { UnusableInputError } from './formats/errors.ts';
import { parseArxivRss, type ArxivRssFeed } from './formats/arxiv-rss.ts';
import { describeResponse, SourceError, type SourceContext } from './http.ts';

export async function harvestListing(ctx: SourceContext): Promise<Record<string, number>> {
  const categories = ctx.config.ARXIV_CATEGORIES;
  const url = `${ctx.config.ARXIV_LISTING_URL.replace(/\/+$/, '')}/${categories.map(encodeURIComponent).join('+')}`;
  const res = await ctx.http.get('arxiv', url, { signal: ctx.signal, headers: { accept: 'application/rss+xml, application/xml' } });
  if (res.status !== 200) throw new SourceError(`arXiv listing request failed: ${describeResponse(res)}`);
  let feed: ArxivRssFeed;
  try {
    feed = parseArxivRss(res.body);
  } catch (e) {
    if (e instanceof UnusableInputError) throw new SourceError(`arXiv listing sent ${describeResponse(res)} instead of RSS: ${e.message}`);
    throw e;
  }
  const papers: Paper[] = [];
  let skipped = feed.problems.length;
  for (const item of feed.items) {
    try {
      // Only a first announcement (new, or cross-listed into our categories) dates the paper; a replacement
      // is announced again on a later day and must not move the date.
      const firstAnnouncement = item.announceType === 'new' || item.announceType === 'cross';
      papers.push(normalizePaper({ ...item.paper, announcedOn: firstAnnouncement ? item.announcedOn : null }));
    } catch {
      skipped++;
    }
  }
  const stored = await upsertPapers(ctx.database, papers);
  const announced = papers
    .filter((p) => p.announcedOn)
    .map((p) => p.announcedOn as string)
    .sort();
  await saveCursor(ctx.database, 'arxiv-listing', { categories, lastAnnouncedOn: announced.at(-1) ?? null, fetchedAt: new Date().toISOString() });
  ctx.logger.info({ categories: categories.join(','), items: feed.items.length, inserted: stored.inserted, day: announced.at(-1) }, 'arXiv listing stored');
  return { items: feed.items.length, ...stored, skipped };
}
