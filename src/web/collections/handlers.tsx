// Collection pages and their forms, and the feeds of a public collection. Every change is a POST form that passed
// csrfProtection, made by the owner (db/collections.ts decides: 404 for a private collection of someone else, 403
// for a public one), and comes back to the collection page with 303.
import type { Context } from 'hono';
import { z } from 'zod';
import {
  addCollectionItem,
  createCollection,
  deleteCollection,
  listCollections,
  ownedCollection,
  removeCollectionItem,
  updateCollection,
  updateCollectionItem,
  type StoredCollection,
} from '../../db/collections.ts';
import { tryParseArxivId } from '../../domain/arxiv-id.ts';
import { DESCRIPTION_MAX, isObjectId, NOTE_MAX, TITLE_MAX } from '../../domain/collections.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { feedItem } from '../components/feed-item.ts';
import { htmlDocument } from '../components/layout.tsx';
import { paperPath } from '../components/paper-card.tsx';
import { feedLinks, feedResponse, type FeedFormat } from '../http/feeds.ts';
import { accountOf, htmlResponse, privatePage } from '../http/responses.tsx';
import { arxivIdInPath, formText, parseFields, readForm, safeLocalPath, type FormFields } from '../input.ts';
import { cardState, withCardState } from '../library/card-state.tsx';
import { currentUser, userOrFail } from '../security/auth.ts';
import { collectionInPath, loadItems, ownCollectionInPath } from './load.ts';
import { CollectionPage, CollectionsIndexPage, NewCollectionPage } from './pages.tsx';
import { collectionPath } from './shapes.ts';

const fieldsSchema = z.object({
  title: z.string().trim().min(1, 'give the collection a title').max(TITLE_MAX),
  description: z.string().max(DESCRIPTION_MAX).optional(),
  visibility: z.enum(['public', 'private']).optional(),
});

function collectionFields(form: FormFields) {
  const f = parseFields(Object.entries(form), fieldsSchema);
  return { title: f.title, description: f.description ?? null, private: f.visibility === 'private' };
}

/** A paper named by an arXiv id or an arXiv / Paperfeed link. */
function paperIdIn(value: string): string {
  const text = value
    .trim()
    .replace(/^https?:\/\/[^/]+\/(?:abs|pdf|papers)\//, '')
    .replace(/\.pdf$/, '');
  const parsed = tryParseArxivId(text);
  if (!parsed) throw badRequest(`"${value.slice(0, 100)}" is not an arXiv id or link`);
  return parsed.id;
}

const note = (v: unknown) => {
  const text = formText(v);
  if (text.length > NOTE_MAX) throw badRequest(`a note has at most ${NOTE_MAX} characters`);
  return text;
};

export function collectionHandlers(ctx: Services) {
  const { database, config } = ctx;

  const feedsOf = (col: StoredCollection) => feedLinks(collectionPath(col), `${col.title} by ${col.owner}`);

  /** Renders the collection page; `error` re-renders it with a message (status 4xx) after a refused form. */
  const renderPage = async (c: Context, col: StoredCollection, error: AppError | null = null) => {
    const loaded = await loadItems(ctx, col.id);
    const user = currentUser(c);
    const isOwner = user?.id === col.ownerId;
    const path = collectionPath(col);
    const state = await cardState(ctx, c, [...loaded.papers.keys()], path);
    const page = withCardState(
      state,
      <CollectionPage
        c={c}
        collection={col}
        loaded={loaded}
        isOwner={isOwner}
        shareUrl={config.baseUrl + path}
        canonical={config.baseUrl + path}
        feeds={col.private ? [] : feedsOf(col)}
        account={accountOf(c)}
        error={error?.message}
      />,
    );
    if (col.private || error) c.header('Cache-Control', 'private, no-store');
    if (error) return c.html(htmlDocument(page), error.status as 400);
    return htmlResponse(c, htmlDocument(page), col.updatedAt);
  };

  /** Runs an owner's change and returns to the collection; a refused change shows the page with the reason. */
  const change = (work: (c: Context, col: StoredCollection, form: FormFields) => Promise<string | void>) => async (c: Context) => {
    const form = await readForm(c);
    const col = await ownCollectionInPath(ctx, c);
    try {
      const to = await work(c, col, form);
      return c.redirect(to ?? collectionPath(col), 303);
    } catch (e) {
      if (e instanceof AppError && e.status >= 400 && e.status < 500 && e.status !== 404) return renderPage(c, col, e);
      throw e;
    }
  };

  return {
    index: async (c: Context) => {
      const user = currentUser(c);
      const [mine, recent] = await Promise.all([
        user ? listCollections(database, { ownerId: user.id, viewerId: user.id, sort: 'lastModified', limit: 200 }) : Promise.resolve(null),
        listCollections(database, { viewerId: null, sort: 'lastModified', limit: 50 }),
      ]);
      return htmlResponse(
        c,
        htmlDocument(<CollectionsIndexPage canonical={`${config.baseUrl}/collections`} account={accountOf(c)} mine={mine} recent={recent} />),
        null,
      );
    },

    newPage: (c: Context) => {
      userOrFail(c);
      const paper = tryParseArxivId(c.req.query('paper') ?? '')?.id;
      return privatePage(c, config.baseUrl, 'New collection', <NewCollectionPage c={c} paper={paper} />);
    },

    create: async (c: Context) => {
      const user = userOrFail(c);
      const form = await readForm(c);
      const paper = formText(form.paper) ? paperIdIn(formText(form.paper)) : null;
      try {
        const col = await createCollection(database, user.id, collectionFields(form));
        if (paper) await addCollectionItem(database, col, paper, null);
        return c.redirect(collectionPath(col), 303);
      } catch (e) {
        if (e instanceof AppError && (e.status === 400 || e.status === 409 || e.status === 422)) {
          return privatePage(c, config.baseUrl, 'New collection', <NewCollectionPage c={c} paper={paper ?? undefined} error={e.message} />, {
            status: e.status,
          });
        }
        throw e;
      }
    },

    page: async (c: Context) => {
      const col = await collectionInPath(ctx, c);
      // Old links keep working after a rename: the id decides, the title words follow.
      if (c.req.path !== collectionPath(col)) return c.redirect(collectionPath(col), 301);
      return renderPage(c, col);
    },

    /** A public collection's papers, in the collection's order. Private collections have no feed (404). */
    feed: async (c: Context, format: FeedFormat) => {
      const col = await collectionInPath(ctx, c);
      if (col.private) throw notFound('no such collection');
      const loaded = await loadItems(ctx, col.id);
      return feedResponse(
        c,
        format,
        {
          title: `Paperfeed · ${col.title} (by ${col.owner})`,
          description: col.description ?? `A collection of papers by ${col.owner}.`,
          homePageUrl: config.baseUrl + collectionPath(col),
          updated: col.updatedAt,
          items: loaded.items
            .filter((i) => loaded.papers.has(i.paperId))
            .map((i) => {
              const item = feedItem(config.baseUrl, loaded.papers.get(i.paperId)!);
              return i.note ? { ...item, summary: `${i.note}\n\n${item.summary}` } : item;
            }),
        },
        config.baseUrl,
      );
    },

    addItem: change(async (_c, col, form) => {
      await addCollectionItem(database, col, paperIdIn(formText(form.paper)), note(form.note) || null);
    }),
    editItem: change(async (c, col, form) => {
      await updateCollectionItem(database, col, itemIdIn(c), { note: note(form.note) || null });
    }),
    moveItem: change(async (c, col, form) => {
      const position = Number(formText(form.position));
      if (!Number.isInteger(position) || position < 0) throw badRequest('position must be a whole number from 0');
      await updateCollectionItem(database, col, itemIdIn(c), { position });
    }),
    removeItem: change(async (c, col) => {
      await removeCollectionItem(database, col, itemIdIn(c));
    }),
    edit: change(async (_c, col, form) => {
      const updated = await updateCollection(database, col, collectionFields(form));
      return collectionPath(updated);
    }),
    delete: change(async (_c, col, form) => {
      if (formText(form.confirm) !== 'yes') throw badRequest('tick the box to confirm the deletion');
      await deleteCollection(database, col);
      return '/collections';
    }),

    /** POST /papers/:id/collect from the paper page: add the paper to one of the person's collections. */
    collect: async (c: Context) => {
      const { id } = arxivIdInPath(c);
      const form = await readForm(c);
      const user = userOrFail(c);
      const collectionId = formText(form.collection);
      if (!isObjectId(collectionId)) throw badRequest('choose one of your collections');
      const col = await ownedCollection(database, collectionId, user.id);
      try {
        await addCollectionItem(database, col, id, null);
      } catch (e) {
        // Already there: the person's wish is fulfilled, so this is not an error for a form.
        if (!(e instanceof AppError && e.status === 409)) throw e;
      }
      return c.redirect(safeLocalPath(form.back, paperPath(id)), 303);
    },
  };
}

function itemIdIn(c: Context): string {
  const id = c.req.param('itemId') ?? '';
  if (!isObjectId(id)) throw notFound(`no item ${id} in this collection`);
  return id;
}
