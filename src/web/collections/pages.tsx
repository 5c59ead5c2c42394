// Collection pages: one collection (its papers in order, each with its note; the owner's controls to annotate,
// move and remove them, edit and delete the collection), the list of collections, and the form for a new one.
// Every control is a POST form with the CSRF token, so all of it works without JavaScript.
import type { Context } from 'hono';
import type { StoredCollection } from '../../db/collections.ts';
import { DESCRIPTION_MAX, NOTE_MAX, TITLE_MAX } from '../../domain/collections.ts';
import { Avatar } from '../components/avatar.tsx';
import { FormError } from '../components/form-error.tsx';
import { Layout, type FeedLink } from '../components/layout.tsx';
import { PaperCard } from '../components/paper-card.tsx';
import { csrfField } from '../security/csrf.ts';
import type { LoadedItems } from './load.ts';
import { collectionPath } from './shapes.ts';

export function CollectionFields(props: { values?: Partial<StoredCollection> }) {
  const v = props.values ?? {};
  return (
    <>
      <label>
        Title <input type="text" name="title" required maxlength={TITLE_MAX} value={v.title ?? ''} />
      </label>
      <label>
        Description{' '}
        <textarea name="description" rows={3} maxlength={DESCRIPTION_MAX}>
          {v.description ?? ''}
        </textarea>
      </label>
      <fieldset>
        <legend>Who can see it</legend>
        <label>
          <input type="radio" name="visibility" value="public" checked={!v.private} /> Public: anyone with the link, listed on your profile, with feeds
        </label>
        <label>
          <input type="radio" name="visibility" value="private" checked={!!v.private} /> Private: only you
        </label>
      </fieldset>
    </>
  );
}

export function NewCollectionPage(props: { c: Context; paper?: string; error?: string | null }) {
  return (
    <section class="narrow">
      <h1>New collection</h1>
      <FormError message={props.error} />
      <form method="post" action="/collections" class="stack">
        {csrfField(props.c)}
        {props.paper && <input type="hidden" name="paper" value={props.paper} />}
        <CollectionFields />
        <button type="submit">Create collection</button>
      </form>
    </section>
  );
}

function ItemControls(props: { c: Context; collection: StoredCollection; itemId: string; note: string | null; position: number; last: number; back: string }) {
  const base = `${collectionPath(props.collection)}/items/${props.itemId}`;
  const hidden = (
    <>
      {csrfField(props.c)}
      <input type="hidden" name="back" value={props.back} />
    </>
  );
  return (
    <div class="item-controls">
      <details>
        <summary>{props.note ? 'Edit note' : 'Add a note'}</summary>
        <form method="post" action={base} class="stack">
          {hidden}
          <label>
            Note{' '}
            <textarea name="note" rows={2} maxlength={NOTE_MAX}>
              {props.note ?? ''}
            </textarea>
          </label>
          <button type="submit">Save note</button>
        </form>
      </details>
      {props.position > 0 && (
        <form method="post" action={`${base}/move`} class="inline">
          {hidden}
          <input type="hidden" name="position" value={String(props.position - 1)} />
          <button type="submit" aria-label={`Move up (now ${props.position + 1} of ${props.last + 1})`}>
            ↑ Up
          </button>
        </form>
      )}
      {props.position < props.last && (
        <form method="post" action={`${base}/move`} class="inline">
          {hidden}
          <input type="hidden" name="position" value={String(props.position + 1)} />
          <button type="submit" aria-label={`Move down (now ${props.position + 1} of ${props.last + 1})`}>
            ↓ Down
          </button>
        </form>
      )}
      <form method="post" action={`${base}/delete`} class="inline">
        {hidden}
        <button type="submit" class="secondary">
          Remove
        </button>
      </form>
    </div>
  );
}

export function CollectionPage(props: {
  c: Context;
  collection: StoredCollection;
  loaded: LoadedItems;
  isOwner: boolean;
  shareUrl: string;
  canonical: string;
  feeds: FeedLink[];
  account: { username: string } | null;
  error?: string | null;
}) {
  const { collection: col, loaded } = props;
  const path = collectionPath(col);
  const shown = loaded.items.filter((i) => loaded.papers.has(i.paperId));
  const last = loaded.items.length - 1;
  return (
    <Layout
      title={col.title}
      description={col.description ?? `A collection of papers by ${col.owner}`}
      canonical={props.canonical}
      feeds={props.feeds}
      account={props.account}
      noindex={col.private}
    >
      <header class="collection-head">
        <h1>{col.title}</h1>
        <p class="muted">
          <a href={`/u/${encodeURIComponent(col.owner)}`} class="author">
            <Avatar text={col.owner} size={20} /> {col.owner}
          </a>
          {' · '}
          {loaded.items.length} paper{loaded.items.length === 1 ? '' : 's'} · updated <time datetime={col.updatedAt}>{col.updatedAt.slice(0, 10)}</time>
          {col.private && (
            <>
              {' · '}
              <strong>Private</strong>: only you can see it
            </>
          )}
        </p>
        {col.description && <p class="description">{col.description}</p>}
      </header>
      <FormError message={props.error} />
      {!col.private && (
        <section aria-labelledby="share" class="share">
          <h2 id="share" class="visually-hidden">
            Share
          </h2>
          <label>
            Share link <input type="text" readonly value={props.shareUrl} id="share-url" />
          </label>
          <button type="button" data-copy="share-url" hidden>
            Copy link
          </button>{' '}
          <span class="feeds-inline">
            Follow:{' '}
            {props.feeds.map((f, i) => (
              <>
                {i > 0 && ' · '}
                <a href={f.href}>{f.title.replace(/^.*\((.*)\)$/, '$1')}</a>
              </>
            ))}
          </span>
        </section>
      )}
      <h2 class="visually-hidden">Papers</h2>
      {shown.length ? (
        <ol class="papers">
          {shown.map((item) => (
            <PaperCard
              item={loaded.papers.get(item.paperId)!}
              extra={
                <>
                  {item.note && <p class="note">{item.note}</p>}
                  {props.isOwner && (
                    <ItemControls c={props.c} collection={col} itemId={item.id} note={item.note} position={item.position} last={last} back={path} />
                  )}
                </>
              }
            />
          ))}
        </ol>
      ) : (
        <p>No papers in this collection yet.{props.isOwner && ' Add one below, or with “Add to collection” on any paper page.'}</p>
      )}
      {props.isOwner && (
        <section aria-labelledby="manage" class="manage">
          <h2 id="manage">Manage</h2>
          <form method="post" action={`${path}/items`} class="stack">
            {csrfField(props.c)}
            <label>
              Add a paper (arXiv id or link) <input type="text" name="paper" required maxlength={300} placeholder="2406.01234" />
            </label>
            <label>
              Note (optional) <textarea name="note" rows={2} maxlength={NOTE_MAX}></textarea>
            </label>
            <button type="submit">Add paper</button>
          </form>
          <details>
            <summary>Edit title, description, visibility</summary>
            <form method="post" action={`${path}/edit`} class="stack">
              {csrfField(props.c)}
              <CollectionFields values={col} />
              <button type="submit">Save changes</button>
            </form>
          </details>
          <details>
            <summary>Delete this collection</summary>
            <form method="post" action={`${path}/delete`} class="stack">
              {csrfField(props.c)}
              <label>
                <input type="checkbox" name="confirm" value="yes" required /> Yes, delete “{col.title}” and its notes (the papers stay on the site)
              </label>
              <button type="submit" class="danger">
                Delete collection
              </button>
            </form>
          </details>
        </section>
      )}
    </Layout>
  );
}

export function CollectionList(props: { collections: StoredCollection[]; empty: string }) {
  if (!props.collections.length) return <p class="muted">{props.empty}</p>;
  return (
    <ul class="collections">
      {props.collections.map((col) => (
        <li>
          <a href={collectionPath(col)}>{col.title}</a>{' '}
          <span class="muted">
            by {col.owner} · {col.itemCount} paper{col.itemCount === 1 ? '' : 's'}
            {col.private && ' · private'}
          </span>
          {col.description && <p class="muted small">{col.description}</p>}
        </li>
      ))}
    </ul>
  );
}

export function CollectionsIndexPage(props: {
  canonical: string;
  account: { username: string } | null;
  mine: StoredCollection[] | null;
  recent: StoredCollection[];
}) {
  return (
    <Layout
      title="Collections"
      current="collections"
      description="Collections of papers put together by people on Paperfeed."
      canonical={props.canonical}
      account={props.account}
    >
      <h1>Collections</h1>
      {props.mine !== null && (
        <section aria-labelledby="mine">
          <h2 id="mine">Yours</h2>
          <p>
            <a class="button" href="/collections/new">
              New collection
            </a>
          </p>
          <CollectionList collections={props.mine} empty="You have no collections yet." />
        </section>
      )}
      <section aria-labelledby="recent">
        <h2 id="recent">Recently updated</h2>
        <CollectionList collections={props.recent} empty="Nobody has shared a collection yet." />
      </section>
    </Layout>
  );
}
