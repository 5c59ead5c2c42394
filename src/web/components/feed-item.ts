// A paper as a feed item; its id is the paper's canonical URL, the same in every feed. Feeds carry plain text, so
// title and abstract are read from their TeX as the pages read them, math spelled in Unicode.
import type { ListedPaper } from '../../db/listings.ts';
import { texToUnicodeLine } from '../../domain/tex.ts';
import type { FeedItem } from '../http/feeds.ts';
import { paperPath } from './paper-card.tsx';

export function feedItem(baseUrl: string, { paper, signals }: ListedPaper): FeedItem {
  const url = baseUrl + paperPath(paper.id);
  const published = new Date(paper.submittedAt ?? signals.submittedAt ?? `${signals.day ?? paper.announcedOn ?? '1970-01-01'}T00:00:00Z`).toISOString();
  return {
    id: url,
    url,
    title: texToUnicodeLine(paper.title),
    summary: texToUnicodeLine(paper.abstract),
    authors: paper.authors,
    published,
    // A new arXiv version updates the entry; never earlier than its publication.
    updated: paper.updatedAt && paper.updatedAt > published ? paper.updatedAt : published,
    categories: paper.categories,
    externalUrl: `https://arxiv.org/abs/${paper.id}`,
  };
}
