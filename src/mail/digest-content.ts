// Loads a digest period's papers once, ranked by the site's trending score, for every subscriber of that
// period to draw from. The candidates and the ranking are the trending page's (src/db/listings.ts,
// src/db/trending.ts): for the same papers and day, a digest lists them in the trending page's order.
import type { Database } from '../db/connect.ts';
import { listedPapersByIds, trendingCandidateRows } from '../db/listings.ts';
import { rankTrending } from '../db/trending.ts';

export interface DigestPaper {
  id: string;
  title: string;
  authors: string[];
  abstract: string;
  categories: string[];
  upvotes: number;
  comments: number;
  /** GitHub stars of the paper's repository, null without one. */
  stars: number | null;
  codeUrl: string | null;
  /** Trending score as of the period's last day. */
  score: number;
  firstSeen: string;
}

const IDS_PER_QUERY = 500;

/** The period's papers, most trending first. Hidden papers are never included. */
export async function loadPeriodPapers(database: Database, range: { start: string; end: string }): Promise<DigestPaper[]> {
  const rows = await trendingCandidateRows(database, { start: range.start, end: range.end });
  const scored = await rankTrending(database, rows, range.end);
  const out: DigestPaper[] = [];
  for (let i = 0; i < scored.length; i += IDS_PER_QUERY) {
    const slice = scored.slice(i, i + IDS_PER_QUERY);
    const listed = await listedPapersByIds(
      database,
      slice.map((s) => s.id),
    );
    const byId = new Map(listed.map((l) => [l.paper.id, l]));
    for (const s of slice) {
      const l = byId.get(s.id);
      if (!l) continue;
      out.push({
        id: s.id,
        title: l.paper.title,
        authors: l.paper.authors,
        abstract: l.paper.abstract,
        categories: l.paper.categories,
        upvotes: l.signals.upvotes,
        comments: l.signals.comments,
        stars: l.paper.githubStars,
        codeUrl: l.paper.codeUrl,
        score: s.score,
        firstSeen: s.firstSeen,
      });
    }
  }
  return out;
}
