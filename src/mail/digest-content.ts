// Loads a digest period's papers once, ranked by the site's trending score, for every subscriber of that
// period to draw from. The ranking and the candidate query are the trending page's (src/domain/trending.ts,
// src/db/listings.ts), so the digest and the site agree on what is trending.
import type { Database } from '../db/connect.ts';
import { listedPapersByIds, trendingCandidateRows } from '../db/listings.ts';
import { compareTrending, trendingScore } from '../domain/trending.ts';

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
  const scored = rows
    .map((r) => ({
      ...r,
      score: trendingScore({ upvotes: r.upvotes, comments: r.comments, starsPerDay: null, stars: r.githubStars, firstSeen: r.firstSeen }, range.end).score,
    }))
    .sort(compareTrending);
  const out: DigestPaper[] = [];
  for (let i = 0; i < scored.length; i += IDS_PER_QUERY) {
    const slice = scored.slice(i, i + IDS_PER_QUERY);
    const listed = await listedPapersByIds(database, slice.map((s) => s.id));
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
