// Collections over Hugging Face's API, closely enough that `huggingface_hub` works against Paperfeed with a
// Paperfeed access token (HF_ENDPOINT=<this site>, token=pf_…): whoami, create_collection (409 + slug for a title
// the owner already has, which exists_ok follows), get_collection, update_collection_metadata, delete_collection,
// add_collection_item (papers only; 409 for a paper already there), update_collection_item,
// delete_collection_item and list_collections. Browser sessions may call it too, with the X-CSRF-Token header.
import type { Context } from 'hono';
import { z } from 'zod';
import {
  addCollectionItem,
  collectionPosition,
  createCollection,
  deleteCollection,
  listCollections,
  removeCollectionItem,
  updateCollection,
  updateCollectionItem,
  visibleCollection,
} from '../../db/collections.ts';
import { findUserById, findUserByUsername } from '../../db/users.ts';
import { DESCRIPTION_MAX, isObjectId, NOTE_MAX, THEMES, TITLE_MAX } from '../../domain/collections.ts';
import { tryParseArxivId } from '../../domain/arxiv-id.ts';
import { badRequest, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { avatarPath } from '../components/avatar.tsx';
import { limitParam, parseQuery, readJson } from '../input.ts';
import { currentUser, userOrFail } from '../security/auth.ts';
import { collectionInPath, loadItems, ownCollectionInPath } from './load.ts';
import { hfCollection, LIST_PREVIEW_ITEMS } from './shapes.ts';

const title = z.string().trim().min(1, 'a title is needed').max(TITLE_MAX);
const description = z.string().max(DESCRIPTION_MAX);
const theme = z.enum(THEMES);

function paperIdOf(value: string): string {
  const parsed = tryParseArxivId(value.replace(/^papers\//, ''));
  if (!parsed) throw badRequest(`"${value}" is not an arXiv id`);
  return parsed.id;
}

export function collectionApiHandlers(ctx: Services) {
  const { database, config } = ctx;
  const base = config.baseUrl;

  /** The whole collection, read again by id after a change (its counts and dates moved). */
  const full = async (c: Context, collectionId: string) => {
    const found = await visibleCollection(database, collectionId, currentUser(c)?.id ?? null);
    const loaded = await loadItems(ctx, found.id);
    return c.json(hfCollection(found, loaded.items, loaded.papers, base, await collectionPosition(database, found)));
  };

  return {
    /** GET /api/whoami-v2: who the token (or session) belongs to, in Hugging Face's shape. */
    whoami: async (c: Context) => {
      const me = userOrFail(c);
      const user = await findUserById(database, me.id);
      if (!user) throw notFound('no such account');
      return c.json({
        type: 'user',
        id: user.id,
        name: user.username,
        fullname: user.username,
        email: user.email,
        emailVerified: true,
        avatarUrl: base + avatarPath(user.username),
        isPro: false,
        orgs: [],
        auth: { type: me.via === 'token' ? 'access_token' : 'session' },
      });
    },

    list: async (c: Context) => {
      const q = parseQuery(
        c,
        z.object({
          owner: z.string().max(100).optional(),
          item: z.string().max(300).optional(),
          sort: z.enum(['lastModified', 'trending', 'upvotes']).optional(),
          limit: limitParam.optional(),
          q: z.string().max(200).optional(),
        }),
      );
      let ownerId: string | undefined;
      if (q.owner) {
        const owner = await findUserByUsername(database, q.owner);
        if (!owner) return c.json([]);
        ownerId = owner.id;
      }
      let paperId: string | undefined;
      if (q.item) {
        // Only papers are collected here: an item of another type is in no collection.
        if (!q.item.startsWith('papers/')) return c.json([]);
        paperId = paperIdOf(q.item);
      }
      const found = await listCollections(database, {
        ownerId,
        paperId,
        viewerId: currentUser(c)?.id ?? null,
        sort: q.sort ?? 'lastModified',
        limit: q.limit ?? 100,
      });
      const out = [];
      for (const col of found) {
        const loaded = await loadItems(ctx, col.id, LIST_PREVIEW_ITEMS);
        out.push(hfCollection(col, loaded.items, loaded.papers, base, null));
      }
      return c.json(out);
    },

    create: async (c: Context) => {
      const body = await readJson(
        c,
        z
          .object({
            title,
            namespace: z.string().max(100).optional(),
            description: description.optional(),
            private: z.boolean().optional(),
            theme: theme.optional(),
          })
          .strict(),
      );
      const user = userOrFail(c);
      // Organisations do not own collections here: only the person's own name is a namespace.
      if (body.namespace && body.namespace.toLowerCase() !== user.username.toLowerCase())
        throw notFound(`you cannot create collections in "${body.namespace}"`);
      const created = await createCollection(database, user.id, body);
      return full(c, created.id);
    },

    get: async (c: Context) => {
      const found = await collectionInPath(ctx, c);
      return full(c, found.id);
    },

    update: async (c: Context) => {
      const body = await readJson(
        c,
        z
          .object({
            title: title.optional(),
            description: description.optional(),
            private: z.boolean().optional(),
            theme: theme.optional(),
            position: z.number().optional(),
          })
          .strict(),
      );
      if (body.position !== undefined) throw badRequest('collections are listed newest change first here; their position cannot be set');
      const found = await ownCollectionInPath(ctx, c);
      const updated = await updateCollection(database, found, body);
      const loaded = await loadItems(ctx, updated.id);
      // update_collection_metadata reads the collection from "data".
      return c.json({ success: true, data: hfCollection(updated, loaded.items, loaded.papers, base, await collectionPosition(database, updated)) });
    },

    delete: async (c: Context) => {
      await deleteCollection(database, await ownCollectionInPath(ctx, c));
      return c.json({ success: true });
    },

    addItem: async (c: Context) => {
      const body = await readJson(
        c,
        z.object({ item: z.object({ id: z.string().max(300), type: z.string().max(20) }).strict(), note: z.string().max(NOTE_MAX).optional() }).strict(),
      );
      if (body.item.type !== 'paper') throw badRequest(`only papers can be collected here, not a ${body.item.type}`);
      const found = await ownCollectionInPath(ctx, c);
      await addCollectionItem(database, found, paperIdOf(body.item.id), body.note ?? null);
      return full(c, found.id);
    },

    updateItem: async (c: Context) => {
      const body = await readJson(c, z.object({ note: z.string().max(NOTE_MAX).optional(), position: z.number().int().min(0).optional() }).strict());
      const found = await ownCollectionInPath(ctx, c);
      const itemId = c.req.param('itemId') ?? '';
      if (!isObjectId(itemId)) throw notFound(`no item ${itemId} in this collection`);
      await updateCollectionItem(database, found, itemId, body);
      return c.json({ success: true });
    },

    deleteItem: async (c: Context) => {
      const found = await ownCollectionInPath(ctx, c);
      const itemId = c.req.param('itemId') ?? '';
      if (!isObjectId(itemId)) throw notFound(`no item ${itemId} in this collection`);
      await removeCollectionItem(database, found, itemId);
      return c.json({ success: true });
    },
  };
}
