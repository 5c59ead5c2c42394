// The trending ranking, in one place: the trending page, period listings ranked by trending, the API, feeds,
// digests and search's sort=trending all rank through rankTrending. It adds what the formula needs beyond the
// candidates' own counts (each repository's star history over the window before the reference day) and scores
// with the one formula in src/domain/trending.ts.
import { githubRepoName } from '../domain/links.ts';
import { addDays } from '../domain/periods.ts';
import { compareTrending, starVelocity, trendingScore, WINDOW_DAYS, type TrendingScore } from '../domain/trending.ts';
import type { Database } from './connect.ts';
import { starSnapshots, type ListedPaper, type RankingRow } from './listings.ts';

export interface TrendingRank {
  id: string;
  firstSeen: string;
  score: number;
  /** The score and its parts, for pages that say why a paper is there. */
  trending: TrendingScore;
}

/** A listed paper, with its trending score when the list is ordered by it. */
export interface RankedPaper extends ListedPaper {
  trending?: TrendingScore;
}

/** Candidates ranked as of a day, most trending first (ties: newer, then higher id). */
export async function rankTrending(database: Database, rows: RankingRow[], referenceDay: string): Promise<TrendingRank[]> {
  const repoOf = new Map(rows.map((r) => [r.id, githubRepoName(r.githubRepo)]));
  const repos = [...new Set([...repoOf.values()].filter((r): r is string => !!r))];
  const history = await starSnapshots(database, repos, `${addDays(referenceDay, -WINDOW_DAYS)}T00:00:00.000Z`, `${referenceDay}T23:59:59.999Z`);
  return rows
    .map((r) => {
      const repo = repoOf.get(r.id);
      const trending = trendingScore(
        {
          upvotes: r.upvotes,
          comments: r.comments,
          starsPerDay: repo ? starVelocity(history.get(repo) ?? []) : null,
          stars: r.githubStars,
          firstSeen: r.firstSeen,
        },
        referenceDay,
      );
      return { id: r.id, firstSeen: r.firstSeen, score: trending.score, trending };
    })
    .sort(compareTrending);
}
