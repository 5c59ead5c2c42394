// Chooses the papers of one subscriber's digest: the period's trending papers plus the best matches for each
// of their topics, each paper at most once, `paperCount` papers in all. Pure: no I/O.
import type { DigestPaper } from './digest-content.ts';
import type { Preferences } from './preferences.ts';
import type { TopicIndex } from './topics.ts';

/** A topic's section is empty when no paper of the period matched it; trending is only present with papers. */
export interface DigestSection {
  kind: 'trending' | 'category' | 'interest';
  /** "Trending", "cs.CL", "diffusion models". */
  title: string;
  papers: DigestPaper[];
}

/** With topics, a third of the digest (at least 3 papers) is the overall trending list; the rest is shared by the topics. */
export function trendingShare(paperCount: number, topicCount: number): number {
  if (topicCount === 0) return paperCount;
  return Math.min(paperCount, Math.max(3, Math.round(paperCount / 3)));
}

export function selectDigest(trending: DigestPaper[], index: TopicIndex, preferences: Preferences): DigestSection[] {
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
  return sections;
}

export function paperTotal(sections: DigestSection[]): number {
  return sections.reduce((n, s) => n + s.papers.length, 0);
}
