// The person's controls at the top of a paper page (its `actions` extension): upvote, save, and add to one of their
// collections. Anonymous visitors get sign-in links and no token, so their copy of the page stays cacheable.
import type { Context } from 'hono';
import { collectionChoices } from '../../db/collections.ts';
import type { ListedPaper } from '../../db/listings.ts';
import type { Services } from '../../services.ts';
import { SaveButton, UpvoteButton, type PersonCardState } from '../components/card-actions.tsx';
import { paperPath } from '../components/paper-card.tsx';
import { csrfField } from '../security/csrf.ts';
import type { CurrentUser } from '../security/auth.ts';
import { cardState } from './card-state.tsx';
import { readsOf } from '../http/request-reads.ts';

export function paperActions(ctx: Pick<Services, 'database'>) {
  return async (c: Context, item: ListedPaper, user: CurrentUser | null) => {
    const id = item.paper.id;
    const state = await cardState(ctx, c, [id], paperPath(id), user);
    const collections = user ? await collectionChoices(readsOf(c, ctx.database), user.id) : [];
    return (
      <>
        <UpvoteButton state={state} paperId={id} upvotes={item.signals.upvotes} />
        <SaveButton state={state} paperId={id} />
        {user && <CollectForm state={state} paperId={id} collections={collections} />}
      </>
    );
  };
}

function CollectForm(props: { state: PersonCardState; paperId: string; collections: { id: string; title: string }[] }) {
  if (!props.collections.length) {
    return (
      <a class="button secondary" href={`/collections/new?paper=${encodeURIComponent(props.paperId)}`}>
        New collection with this paper
      </a>
    );
  }
  return (
    <form method="post" action={`/papers/${props.paperId}/collect`} class="collect-form">
      {csrfField(props.state.c)}
      <input type="hidden" name="back" value={props.state.back} />
      <label for="collect-into">Add to collection</label>
      <select id="collect-into" name="collection">
        {props.collections.map((col) => (
          <option value={col.id}>{col.title}</option>
        ))}
      </select>
      <button type="submit">Add</button> <a href={`/collections/new?paper=${encodeURIComponent(props.paperId)}`}>new…</a>
    </form>
  );
}
