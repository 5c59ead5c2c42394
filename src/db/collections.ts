// Collections of papers: ordered items with a note each. Who may see or change a collection is decided here, in
// one place (visibleCollection / ownedCollection): a private collection is a 404 for everyone but its owner, and
// only the owner changes anything. Item positions stay 0..n-1; a move renumbers the collection in one transaction.
import { sql } from 'kysely';
import { collectionSlug, COLLECTIONS_PER_PERSON_MAX, ITEMS_MAX, newObjectId, titleKey, type Theme } from '../domain/collections.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors.ts';
import type { Database } from './connect.ts';

export interface StoredCollection {
  id: string;
  slug: string;
  ownerId: string;
  owner: string;
  title: string;
  description: string | null;
  private: boolean;
  theme: string;
  createdAt: string;
  updatedAt: string;
  itemCount: number;
}

export interface StoredCollectionItem {
  id: string;
  paperId: string;
  position: number;
  note: string | null;
  createdAt: string;
}

function collectionQuery(database: Database) {
  return database.db
    .selectFrom('collections as c')
    .innerJoin('users as u', 'u.id', 'c.owner_id')
    .selectAll('c')
    .select(['u.username', sql<number>`(SELECT COUNT(*) FROM collection_items i WHERE i.collection_id = c.id)`.as('item_count')]);
}

function toCollection(r: any): StoredCollection {
  return {
    id: r.id,
    slug: collectionSlug(r.username, r.title, r.id),
    ownerId: r.owner_id,
    owner: r.username,
    title: r.title,
    description: r.description,
    private: Number(r.private) === 1,
    theme: r.theme,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    itemCount: Number(r.item_count),
  };
}

const missing = (id: string) => notFound(`no collection ${id}`);

/** The collection if this viewer may see it (public, or theirs); otherwise the same 404 as for one that does not exist. */
export async function visibleCollection(database: Database, id: string, viewerId: string | null): Promise<StoredCollection> {
  const row = await collectionQuery(database).where('c.id', '=', id).executeTakeFirst();
  const found = row ? toCollection(row) : null;
  if (!found || (found.private && found.ownerId !== viewerId)) throw missing(id);
  return found;
}

/** The collection if this person owns it: a 404 when they cannot see it, a 403 when they can but it is not theirs. */
export async function ownedCollection(database: Database, id: string, userId: string): Promise<StoredCollection> {
  const found = await visibleCollection(database, id, userId);
  if (found.ownerId !== userId) throw forbidden('only the owner can change this collection');
  return found;
}

export interface CollectionInput {
  title: string;
  description?: string | null;
  private?: boolean;
  theme?: Theme;
}

/** Creates a collection. The same title twice for one owner is a 409 whose `slug` names the existing collection. */
export async function createCollection(database: Database, ownerId: string, input: CollectionInput, now = new Date()): Promise<StoredCollection> {
  const key = titleKey(input.title);
  const existing = await database.db.selectFrom('collections').select('id').where('owner_id', '=', ownerId).where('title_key', '=', key).executeTakeFirst();
  if (existing) throw await sameTitle(database, existing.id);
  const count = await database.db
    .selectFrom('collections')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('owner_id', '=', ownerId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= COLLECTIONS_PER_PERSON_MAX)
    throw new AppError(422, 'too_many_collections', `a person can have at most ${COLLECTIONS_PER_PERSON_MAX} collections`);
  const id = newObjectId();
  const stamp = now.toISOString();
  const inserted = await database.db
    .insertInto('collections')
    .values({
      id,
      owner_id: ownerId,
      title: input.title.trim(),
      title_key: key,
      description: input.description?.trim() || null,
      private: input.private ? 1 : 0,
      theme: input.theme ?? 'default',
      created_at: stamp,
      updated_at: stamp,
    })
    // Two concurrent creations of one title pass the check above; the unique index lets one land.
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (!Number(inserted.numInsertedOrUpdatedRows ?? 0)) {
    const winner = await database.db
      .selectFrom('collections')
      .select('id')
      .where('owner_id', '=', ownerId)
      .where('title_key', '=', key)
      .executeTakeFirstOrThrow();
    throw await sameTitle(database, winner.id);
  }
  return toCollection(await collectionQuery(database).where('c.id', '=', id).executeTakeFirstOrThrow());
}

async function sameTitle(database: Database, id: string): Promise<AppError> {
  const c = toCollection(await collectionQuery(database).where('c.id', '=', id).executeTakeFirstOrThrow());
  const error = conflict('you already have a collection with this title', 'collection_exists');
  error.fields = { slug: c.slug };
  return error;
}

export interface CollectionPatch {
  title?: string;
  description?: string | null;
  private?: boolean;
  theme?: Theme;
}

export async function updateCollection(database: Database, collection: StoredCollection, patch: CollectionPatch, now = new Date()): Promise<StoredCollection> {
  const set: Record<string, string | number | null> = { updated_at: now.toISOString() };
  if (patch.title !== undefined) {
    const key = titleKey(patch.title);
    const other = await database.db
      .selectFrom('collections')
      .select('id')
      .where('owner_id', '=', collection.ownerId)
      .where('title_key', '=', key)
      .where('id', '!=', collection.id)
      .executeTakeFirst();
    if (other) throw await sameTitle(database, other.id);
    set.title = patch.title.trim();
    set.title_key = key;
  }
  if (patch.description !== undefined) set.description = patch.description?.trim() || null;
  if (patch.private !== undefined) set.private = patch.private ? 1 : 0;
  if (patch.theme !== undefined) set.theme = patch.theme;
  await database.db.updateTable('collections').set(set).where('id', '=', collection.id).execute();
  return toCollection(await collectionQuery(database).where('c.id', '=', collection.id).executeTakeFirstOrThrow());
}

export async function deleteCollection(database: Database, collection: StoredCollection): Promise<void> {
  await database.db.deleteFrom('collections').where('id', '=', collection.id).execute();
}

export interface CollectionListing {
  /** Only this owner's collections. */
  ownerId?: string;
  /** Only collections holding this paper. */
  paperId?: string;
  /** The person asking: their own private collections are listed too. */
  viewerId: string | null;
  sort: 'lastModified' | 'trending' | 'upvotes';
  limit: number;
}

/** Collections the viewer may see, newest change first (there are no collection upvotes here, so every sort is that). */
export async function listCollections(database: Database, q: CollectionListing): Promise<StoredCollection[]> {
  let query = collectionQuery(database);
  query = q.viewerId ? query.where((eb) => eb.or([eb('c.private', '=', 0), eb('c.owner_id', '=', q.viewerId!)])) : query.where('c.private', '=', 0);
  if (q.ownerId) query = query.where('c.owner_id', '=', q.ownerId);
  if (q.paperId) query = query.where('c.id', 'in', database.db.selectFrom('collection_items').select('collection_id').where('paper_id', '=', q.paperId));
  const rows = await query.orderBy('c.updated_at', 'desc').orderBy('c.id').limit(q.limit).execute();
  return rows.map(toCollection);
}

/**
 * A person's own collections, newest change first, as the paper page's "Add to collection" offers them. Memoised under
 * the listings change counter, which every change to a collection moves (migration 19), since a signed-in paper page
 * asks on every request.
 */
export function collectionChoices(database: Database, ownerId: string): Promise<{ id: string; title: string }[]> {
  return database.memo.get(`collections of ${ownerId}`, async () =>
    (await listCollections(database, { ownerId, viewerId: ownerId, sort: 'lastModified', limit: 200 })).map((col) => ({ id: col.id, title: col.title })),
  );
}

/** The items in order. Items whose paper a moderator hid are left out. */
export async function listCollectionItems(database: Database, collectionId: string): Promise<StoredCollectionItem[]> {
  const rows = await database.db
    .selectFrom('collection_items as i')
    .innerJoin('papers as p', 'p.id', 'i.paper_id')
    .select(['i.id', 'i.paper_id', 'i.position', 'i.note', 'i.created_at'])
    .where('i.collection_id', '=', collectionId)
    .where('p.hidden', '=', 0)
    .orderBy('i.position')
    .execute();
  return rows.map((r) => ({ id: r.id, paperId: r.paper_id, position: Number(r.position), note: r.note, createdAt: r.created_at }));
}

/** Adds a paper at the end. The same paper twice is a 409; an unknown or hidden paper a 404. */
export async function addCollectionItem(
  database: Database,
  collection: StoredCollection,
  paperId: string,
  note: string | null,
  now = new Date(),
): Promise<StoredCollectionItem> {
  const paper = await database.db.selectFrom('papers').select('hidden').where('id', '=', paperId).executeTakeFirst();
  if (!paper || Number(paper.hidden)) throw notFound(`no paper ${paperId}`);
  return database.db.transaction().execute(async (trx) => {
    const stats = await trx
      .selectFrom('collection_items')
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('position').as('last')])
      .where('collection_id', '=', collection.id)
      .executeTakeFirstOrThrow();
    if (Number(stats.n) >= ITEMS_MAX) throw new AppError(422, 'collection_full', `a collection holds at most ${ITEMS_MAX} papers`);
    const item = {
      id: newObjectId(),
      paperId,
      position: stats.last === null ? 0 : Number(stats.last) + 1,
      note: note?.trim() || null,
      createdAt: now.toISOString(),
    };
    const inserted = await trx
      .insertInto('collection_items')
      .values({ id: item.id, collection_id: collection.id, paper_id: paperId, position: item.position, note: item.note, created_at: item.createdAt })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!Number(inserted.numInsertedOrUpdatedRows ?? 0)) throw conflict(`paper ${paperId} is already in this collection`, 'item_exists');
    await trx.updateTable('collections').set({ updated_at: item.createdAt }).where('id', '=', collection.id).execute();
    return item;
  });
}

/** Changes an item's note (null clears it) and/or moves it to a 0-based position (clamped to the list). */
export async function updateCollectionItem(
  database: Database,
  collection: StoredCollection,
  itemId: string,
  patch: { note?: string | null; position?: number },
  now = new Date(),
): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const items = await trx.selectFrom('collection_items').select(['id', 'position']).where('collection_id', '=', collection.id).orderBy('position').execute();
    const from = items.findIndex((i) => i.id === itemId);
    if (from < 0) throw notFound(`no item ${itemId} in this collection`);
    if (patch.note !== undefined)
      await trx
        .updateTable('collection_items')
        .set({ note: patch.note?.trim() || null })
        .where('id', '=', itemId)
        .execute();
    if (patch.position !== undefined) {
      if (!Number.isInteger(patch.position) || patch.position < 0) throw badRequest('position must be a whole number from 0');
      const order = items.map((i) => i.id);
      order.splice(from, 1);
      order.splice(Math.min(patch.position, order.length), 0, itemId);
      for (const [position, id] of order.entries()) {
        if (items.find((i) => i.id === id)!.position !== position) await trx.updateTable('collection_items').set({ position }).where('id', '=', id).execute();
      }
    }
    await trx.updateTable('collections').set({ updated_at: now.toISOString() }).where('id', '=', collection.id).execute();
  });
}

/** Removes an item (a 404 when it is not in the collection) and closes the gap in the positions. */
export async function removeCollectionItem(database: Database, collection: StoredCollection, itemId: string, now = new Date()): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const item = await trx
      .selectFrom('collection_items')
      .select('position')
      .where('id', '=', itemId)
      .where('collection_id', '=', collection.id)
      .executeTakeFirst();
    if (!item) throw notFound(`no item ${itemId} in this collection`);
    await trx.deleteFrom('collection_items').where('id', '=', itemId).execute();
    await trx
      .updateTable('collection_items')
      .set({ position: sql`position - 1` })
      .where('collection_id', '=', collection.id)
      .where('position', '>', item.position)
      .execute();
    await trx.updateTable('collections').set({ updated_at: now.toISOString() }).where('id', '=', collection.id).execute();
  });
}

/** The collection's place (0-based) among its owner's, oldest first: Hugging Face's `position`. */
export async function collectionPosition(database: Database, collection: StoredCollection): Promise<number> {
  const row = await database.db
    .selectFrom('collections')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('owner_id', '=', collection.ownerId)
    .where((eb) => eb.or([eb('created_at', '<', collection.createdAt), eb.and([eb('created_at', '=', collection.createdAt), eb('id', '<', collection.id)])]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
