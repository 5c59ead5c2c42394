// The "For you" section of a person's digest: up to FOR_YOU_PAPERS of the period's papers, ranked by that person's
// own model (src/recommend, the same service as the home page's "For you" tab, trained on the same saved, upvoted and
// claimed papers), each with the paper of theirs that explains it. mail/ does not import recommend/: the service
// comes in with the others (src/services.ts) and is seen here only through the one call the digest makes.
import type { Database } from '../db/connect.ts';
import { interestsOf, type Interest } from '../db/library.ts';
import { listedPapersByIds } from '../db/listings.ts';
import type { PositiveReason } from '../domain/because.ts';
import type { Logger } from '../log.ts';
import type { DigestPaper } from './digest-content.ts';

/** Papers in a digest's "For you" section, at most. */
export const FOR_YOU_PAPERS = 5;

/** What the digest asks of the recommendation service (src/recommend/service.ts). */
export interface PersonalRecommender {
  recommendFor(
    userId: string,
    positives: readonly Interest[],
    k: number,
    options: { among: Iterable<string> },
  ): Promise<{ paperId: string; because: string; reason: PositiveReason }[]>;
}

export interface Because {
  paperId: string;
  title: string;
  reason: PositiveReason;
}

export interface ForYouPick {
  paper: DigestPaper;
  /** The person's paper that explains this one; null when it is no longer visible. */
  because: Because | null;
}

export interface ForYouServices {
  database: Database;
  recommendations: PersonalRecommender;
  logger: Logger;
}

/**
 * The person's picks among the period's papers, best first: none when they have saved, upvoted and claimed nothing.
 * Their own papers are never picked (they are the model's positives). A failure of the recommender (the search
 * index cannot be built) is logged and gives no section: the rest of the digest still goes out on time.
 */
export async function forYouPicks(ctx: ForYouServices, userId: string, papers: readonly DigestPaper[], limit = FOR_YOU_PAPERS): Promise<ForYouPick[]> {
  try {
    const positives = await interestsOf(ctx.database, userId);
    if (!positives.length || !papers.length) return [];
    const byId = new Map(papers.map((p) => [p.id, p]));
    const recommended = await ctx.recommendations.recommendFor(userId, positives, limit, { among: byId.keys() });
    const sources = await listedPapersByIds(ctx.database, [...new Set(recommended.map((r) => r.because))]);
    const titles = new Map(sources.map((s) => [s.paper.id, s.paper.title]));
    return recommended
      .filter((r) => byId.has(r.paperId))
      .map((r) => {
        const title = titles.get(r.because);
        return { paper: byId.get(r.paperId)!, because: title === undefined ? null : { paperId: r.because, title, reason: r.reason } };
      });
  } catch (err) {
    ctx.logger.warn({ err, userId }, 'digest: no "For you" section, the recommender failed');
    return [];
  }
}
