// Loads what the person's controls on a page of papers need (their votes and saves among those papers) and
// provides it to the cards below (components/card-actions.tsx).
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { votesAndSavesAmong } from '../../db/library.ts';
import type { Services } from '../../services.ts';
import { cardAnchor, CardStateContext, type CardState, type PersonCardState } from '../components/card-actions.tsx';
import { paperPath } from '../components/paper-card.tsx';
import { safeLocalPathAt } from '../input.ts';
import { currentUser } from '../security/auth.ts';
import { readsOf } from '../http/request-reads.ts';

/** The page's address (path and query) as forms' `back`. */
export function pageBack(c: Context): string {
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

export async function cardState(
  ctx: Pick<Services, 'database'>,
  c: Context,
  paperIds: string[],
  back = pageBack(c),
  user = currentUser(c),
): Promise<PersonCardState> {
  if (!user) return { c, signedIn: false, back, upvoted: new Set(), saved: new Set() };
  return { c, signedIn: true, back, ...(await votesAndSavesAmong(readsOf(c, ctx.database), user.id, paperIds)) };
}

/** Where a control's form returns: the page it came from (a local path), at the paper's card. */
export function atCard(back: unknown, paperId: string): string {
  return safeLocalPathAt(back, paperPath(paperId), cardAnchor(paperId));
}

/** `page` with the person's state available to every card in it. */
export function withCardState(state: CardState, page: Child): Child {
  return <CardStateContext.Provider value={state}>{page}</CardStateContext.Provider>;
}
