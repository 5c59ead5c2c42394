// Collections in Hugging Face's JSON shape: what `huggingface_hub`'s Collection and CollectionItem read (slug, title,
// owner, items[{_id, id, type, position, note{text,html}}], lastUpdated, position, private, theme, upvotes,
// description), plus the paper fields Hugging Face adds to a paper item.
import type { StoredCollection, StoredCollectionItem } from '../../db/collections.ts';
import type { ListedPaper } from '../../db/listings.ts';
import { avatarPath } from '../components/avatar.tsx';
import { paperPath } from '../components/paper-card.tsx';

/** list_collections shows this many items of each collection, as Hugging Face does. */
export const LIST_PREVIEW_ITEMS = 4;

export function collectionPath(c: Pick<StoredCollection, 'slug'>): string {
  return `/collections/${c.slug}`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function hfCollectionItem(item: StoredCollectionItem, paper: ListedPaper | undefined, baseUrl: string) {
  return {
    _id: item.id,
    id: item.paperId,
    type: 'paper' as const,
    position: item.position,
    ...(item.note !== null ? { note: { text: item.note, html: escapeHtml(item.note) } } : {}),
    ...(paper
      ? {
          title: paper.paper.title,
          upvotes: paper.signals.upvotes,
          numComments: paper.signals.comments,
          publishedAt: paper.paper.submittedAt,
          authors: paper.paper.authors.map((name) => ({ name })),
          thumbnailUrl: `${baseUrl}${paperPath(item.paperId)}/thumbnail.svg`,
        }
      : {}),
  };
}

/**
 * The collection as GET /api/collections/{slug} answers it. `position` (the collection's place among its owner's)
 * is left out of list answers, because the client adds its own there and a second one would be an error.
 */
export function hfCollection(c: StoredCollection, items: StoredCollectionItem[], papers: Map<string, ListedPaper>, baseUrl: string, position: number | null) {
  return {
    slug: c.slug,
    title: c.title,
    description: c.description ?? undefined,
    owner: { _id: c.ownerId, name: c.owner, fullname: c.owner, avatarUrl: baseUrl + avatarPath(c.owner), type: 'user', isPro: false },
    items: items.map((i) => hfCollectionItem(i, papers.get(i.paperId), baseUrl)),
    lastUpdated: c.updatedAt,
    ...(position !== null ? { position } : {}),
    private: c.private,
    theme: c.theme,
    // Nobody upvotes collections here; the field is there because the client requires it.
    upvotes: 0,
    isUpvotedByUser: false,
    shareUrl: baseUrl + collectionPath(c),
    gating: false,
  };
}
