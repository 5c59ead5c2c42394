// Finding the collection a path names (owner and `title-words-<id>`) and loading its papers: shared by the pages,
// the feeds and the API.
import type { Context } from 'hono';
import { listCollectionItems, ownedCollection, visibleCollection, type StoredCollection, type StoredCollectionItem } from '../../db/collections.ts';
import { listedPapersByIds, type ListedPaper } from '../../db/listings.ts';
import { idOfSlugName } from '../../domain/collections.ts';
import { notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { currentUser, userOrFail } from '../security/auth.ts';

function idInPath(c: Context): string {
  const id = idOfSlugName(c.req.param('name') ?? '');
  if (!id) throw notFound('no such collection');
  return id;
}

/** The owner in the path must be the collection's (in any letter case); a wrong one is the same 404 as a wrong id. */
function checkOwner(c: Context, found: StoredCollection): StoredCollection {
  if ((c.req.param('owner') ?? '').toLowerCase() !== found.owner.toLowerCase()) throw notFound('no such collection');
  return found;
}

/** The collection the path names, if the visitor may see it. */
export async function collectionInPath(ctx: Pick<Services, 'database'>, c: Context): Promise<StoredCollection> {
  return checkOwner(c, await visibleCollection(ctx.database, idInPath(c), currentUser(c)?.id ?? null));
}

/** The collection the path names, if the signed-in visitor owns it (404 when they cannot see it, 403 otherwise). */
export async function ownCollectionInPath(ctx: Pick<Services, 'database'>, c: Context): Promise<StoredCollection> {
  return checkOwner(c, await ownedCollection(ctx.database, idInPath(c), userOrFail(c).id));
}

export interface LoadedItems {
  items: StoredCollectionItem[];
  papers: Map<string, ListedPaper>;
}

export async function loadItems(ctx: Pick<Services, 'database'>, collectionId: string, limit?: number): Promise<LoadedItems> {
  const all = await listCollectionItems(ctx.database, collectionId);
  const items = limit === undefined ? all : all.slice(0, limit);
  const papers = await listedPapersByIds(
    ctx.database,
    items.map((i) => i.paperId),
  );
  return { items, papers: new Map(papers.map((p) => [p.paper.id, p])) };
}
