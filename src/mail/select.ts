// Chooses the papers of one subscriber's digest: the period's trending papers plus the best matches for each
// of their topics, each paper at most once, `paperCount` papers in all, and first, when the subscriber has one, a
// "For you" section on top of those. Pure: no I/O.
import type { DigestPaper } from './digest-content.ts';
import type { Because, ForYouPick } from './for-you.ts';
import type { Preferences } from './preferences.ts';
import type { TopicIndex } from './topics.ts';

/**
 * A topic's section is empty when no paper of the period matched it; trending and "For you" are only present with
 * papers.
 */
export interface DigestSection {
  kind: 'for-you' | 'trending' | 'category' | 'interest';
  /** "For you", "Trending", "cs.CL", "diffusion models". */
  title: string;
  papers: DigestPaper[];
  /** "For you" only: the reader's paper that explains each one, by paper id. */
  because?: ReadonlyMap<string, Because>;
}

/** With topics, a third of the digest (at least 3 papers) is the overall trending list; the rest is shared by the topics. */
export function trendingShare(paperCount: number, topicCount: number): number {
  if (topicCount === 0) return paperCount;
  return Math.min(paperCount, Math.max(3, Math.round(paperCount / 3)));
}

/**
 * `forYou`: the reader's picks among the period's papers, best first (src/mail/for-you.ts). They come first and add
 * to `paperCount`; the other sections skip them, so no paper appears twice.
 */
export function selectDigest(trending: DigestPaper[], index: TopicIndex, preferences: Preferences, forYou: readonly ForYouPick[] = []): DigestSection[] {
  const topics: { kind: 'category' | 'interest'; title: string; matches: DigestPaper[] }[] = [
    ...preferences.categories.map((c) => ({ kind: 'category' as const, title: c, matches: index.category(c) })),
    ...preferences.interests.map((i) => ({ kind: 'interest' as const, title: i, matches: index.interest(i) })),
  ];
  const chosen = new Set<string>();
  const take = (from: DigestPaper[], count: number): DigestPaper[] => {
    const out: DigestPaper[] = [];
    for (const p of from) {
      if (out.length >= count) break;
      if (chosen.has(p.id)) continue;
      chosen.add(p.id);
      out.push(p);
    }
    return out;
  };
  const picked = take(
    forYou.map((f) => f.paper),
    forYou.length,
  );
  const because = new Map(forYou.flatMap((f) => (f.because ? [[f.paper.id, f.because] as const] : [])));
  const trendingCount = trendingShare(preferences.paperCount, topics.length);
  const topicSlots = preferences.paperCount - trendingCount;
  // Topic sections are filled before trending so a paper that matches a topic appears under that topic.
  const sections: DigestSection[] = [];
  let remaining = topicSlots;
  topics.forEach((t, i) => {
    const fair = Math.floor(topicSlots / topics.length) + (i < topicSlots % topics.length ? 1 : 0);
    const papers = take(t.matches, Math.min(fair, remaining));
    remaining -= papers.length;
    // A topic nothing in the period matched keeps its (empty) section, so the digest can say so.
    if (papers.length || !t.matches.length) sections.push({ kind: t.kind, title: t.title, papers });
  });
  // Slots a topic could not fill go to the trending list.
  const trendingPapers = take(trending, trendingCount + remaining);
  if (trendingPapers.length) sections.unshift({ kind: 'trending', title: 'Trending', papers: trendingPapers });
  if (picked.length) sections.unshift({ kind: 'for-you', title: 'For you', papers: picked, because });
  return sections;
}

export function paperTotal(sections: DigestSection[]): number {
  return sections.reduce((n, s) => n + s.papers.length, 0);
}
