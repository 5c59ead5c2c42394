// The "For you" tab: the person's saved, upvoted and claimed papers train their model (src/recommend); the page
// shows its top papers of the last weeks.
import type { Context } from 'hono';
import { readsOf } from '../http/request-reads.ts';
import { interestsOf } from '../../db/library.ts';
import { listedPapersByIds } from '../../db/listings.ts';
import { addDays } from '../../domain/periods.ts';
import type { Services } from '../../services.ts';
import { htmlDocument } from '../components/layout.tsx';
import { cardState, withCardState } from '../library/card-state.tsx';
import { homeDay } from '../listings/loaders.ts';
import { userOrFail } from '../security/auth.ts';
import { ForYouPage } from './for-you-page.tsx';

/** How far back "For you" looks, from the latest day with papers. */
export const FOR_YOU_DAYS = 30;
const SHOWN = 30;

export function forYouHandlers(ctx: Services) {
  return {
    page: async (c: Context) => {
      const user = userOrFail(c);
      const reads = readsOf(c, ctx.database);
      const since = addDays(await homeDay(reads, ctx.clock), -FOR_YOU_DAYS);
      const positives = await interestsOf(ctx.database, user.id);
      const recommended = positives.length ? await ctx.recommendations.recommendFor(user.id, positives, SHOWN, { since }) : [];
      const papers = await listedPapersByIds(reads, [...recommended.map((r) => r.paperId), ...recommended.map((r) => r.because)]);
      const byId = new Map(papers.map((p) => [p.paper.id, p]));
      const items = recommended
        .filter((r) => byId.has(r.paperId))
        .map((r) => {
          const source = byId.get(r.because);
          return { paper: byId.get(r.paperId)!, because: source ? { paperId: r.because, title: source.paper.title, reason: r.reason } : null };
        });
      const state = await cardState(
        ctx,
        c,
        items.map((i) => i.paper.paper.id),
      );
      c.header('Cache-Control', 'private, no-store');
      return c.html(
        htmlDocument(
          withCardState(
            state,
            <ForYouPage
              canonical={`${ctx.config.baseUrl}/for-you`}
              account={{ username: user.username }}
              items={items}
              positives={positives.length}
              sinceDay={since}
            />,
          ),
        ),
      );
    },
  };
}
