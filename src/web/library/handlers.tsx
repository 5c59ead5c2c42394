// Saving papers to the library (a form on every card and paper page, and the API), the library page and its
// private feed. Forms come back to the card they were sent from (303); a script or app.js asking for JSON gets
// the new state instead.
import type { Context } from 'hono';
import { z } from 'zod';
import { listedPapersByIds } from '../../db/listings.ts';
import { listLibrary, setSaved } from '../../db/library.ts';
import { findUserById } from '../../db/users.ts';
import { notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { feedItem } from '../components/feed-item.ts';
import { htmlDocument } from '../components/layout.tsx';
import { wantsJson } from '../http/errors.tsx';
import { feedLinks, feedResponse, type FeedFormat } from '../http/feeds.ts';
import { htmlResponse } from '../http/responses.tsx';
import { arxivIdInPath, formBoolean, PAGE_SIZE, pageQuerySchema, parseQuery, readForm, readJson } from '../input.ts';
import { userOrFail } from '../security/auth.ts';
import { atCard, cardState, withCardState } from './card-state.tsx';
import { libraryFeedKeys } from './feed-key.ts';
import type { InterestRefresher } from './interests.ts';
import { LibraryPage } from './library-page.tsx';

const FEED_ITEMS = 50;

export function libraryHandlers(ctx: Services, interests: InterestRefresher) {
  const { database, config } = ctx;
  const keys = libraryFeedKeys(ctx);

  const save = async (c: Context, paperId: string, saved: boolean) => {
    const user = userOrFail(c);
    const result = await setSaved(database, user.id, paperId, saved);
    if (result.changed) interests.refresh(user.id);
    return { paperId, saved: result.saved };
  };

  return {
    /** POST /papers/:id/save with saved=true|false. */
    saveForm: async (c: Context) => {
      const { id } = arxivIdInPath(c);
      const form = await readForm(c);
      const state = await save(c, id, formBoolean(form, 'saved'));
      return wantsJson(c) ? c.json(state) : c.redirect(atCard(form.back, id), 303);
    },

    /** POST /api/papers/:id/save {"saved": true|false}. */
    saveApi: async (c: Context) => {
      const body = await readJson(c, z.object({ saved: z.boolean() }).strict());
      return c.json(await save(c, arxivIdInPath(c).id, body.saved));
    },

    page: async (c: Context) => {
      const user = userOrFail(c);
      const page = parseQuery(c, pageQuerySchema).p ?? 0;
      const { items, total } = await listLibrary(database, user.id, { offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      const papers = await listedPapersByIds(
        database,
        items.map((i) => i.paperId),
      );
      const key = await keys.keyFor(user.id);
      const state = await cardState(
        ctx,
        c,
        papers.map((p) => p.paper.id),
      );
      c.header('Cache-Control', 'private, no-store');
      const html = htmlDocument(
        withCardState(
          state,
          <LibraryPage
            canonical={`${config.baseUrl}/library`}
            account={{ username: user.username }}
            items={papers}
            total={total}
            page={page}
            limit={PAGE_SIZE}
            feeds={feedLinks(`/library/${encodeURIComponent(key)}`, 'Your library')}
          />,
        ),
      );
      return htmlResponse(c, html, null);
    },

    /** /library/:key/{rss.xml,atom.xml,feed.json}: the owner's feed, for readers that cannot sign in. */
    feed: async (c: Context, format: FeedFormat) => {
      const userId = await keys.userOf(c.req.param('key') ?? '');
      const user = userId ? await findUserById(database, userId) : null;
      if (!user) throw notFound('no such feed');
      const { items } = await listLibrary(database, user.id, { offset: 0, limit: FEED_ITEMS });
      const papers = await listedPapersByIds(
        database,
        items.map((i) => i.paperId),
      );
      const savedAt = new Map(items.map((i) => [i.paperId, i.savedAt]));
      return feedResponse(
        c,
        format,
        {
          title: `Paperfeed · ${user.username}'s library`,
          description: 'Papers saved to a Paperfeed library, newest first.',
          homePageUrl: `${config.baseUrl}/library`,
          updated: items[0]?.savedAt ?? null,
          // Readers sort by date: an item's date here is when it was saved, which is the order of the library.
          items: papers.map((p) => ({ ...feedItem(config.baseUrl, p), updated: savedAt.get(p.paper.id)! })),
        },
        config.baseUrl,
        'private, no-cache',
      );
    },
  };
}
