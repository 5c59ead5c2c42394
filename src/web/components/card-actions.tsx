// The person's controls on a paper, wherever it appears: the upvote button with their vote, and "save" with their
// library's state. Every control is a small POST form (CSRF token, explicit target state, the page to come back to
// at this card), so it works without JavaScript; app.js submits the same forms in the background when it can.
// Pages that list papers load the person's state once (web/library/card-state.ts) and hand it down through
// CardStateContext, so no list component has to thread it through.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { createContext, useContext } from 'hono/jsx';
import { csrfField } from '../security/csrf.ts';

export interface CardState {
  c: Context;
  /** Null for anonymous visitors: their controls are sign-in links, so their copy of the page stays cacheable. */
  signedIn: boolean;
  /** The page (path and query) the forms come back to; each form adds its card's anchor. */
  back: string;
  upvoted: ReadonlySet<string>;
  saved: ReadonlySet<string>;
}

export const CardStateContext = createContext<CardState | null>(null);

export function useCardState(): CardState | null {
  return useContext(CardStateContext);
}

/** The id of a paper's card in a list: the anchor forms return to. */
export function cardAnchor(paperId: string): string {
  return `card-${paperId.replace(/[^\w]/g, '-')}`;
}

const signInHref = (back: string) => `/signin?next=${encodeURIComponent(back)}`;

// The controls are templates rather than JSX: a list page renders two per card for every request (signed-in pages
// are never cached), and a template renders in about half the time (60 forms: 0.6 ms against 1.4 ms).

export function UpvoteButton(props: { state: CardState; paperId: string; upvotes: number; anchor?: string }) {
  const { state, paperId, upvotes } = props;
  const back = props.anchor ? `${state.back}#${props.anchor}` : state.back;
  const count = `${upvotes} upvote${upvotes === 1 ? '' : 's'}`;
  if (!state.signedIn) {
    return html`<a class="upvote" href="${signInHref(back)}" aria-label="Sign in to upvote (${count})">▲ <span class="count">${upvotes}</span></a>`;
  }
  const upvoted = state.upvoted.has(paperId);
  return html`<form method="post" action="/papers/${paperId}/upvote" class="upvote-form" data-enhance="vote">${csrfField(state.c)}<input type="hidden" name="back" value="${back}"><input type="hidden" name="upvoted" value="${upvoted ? 'false' : 'true'}"><button type="submit" class="${upvoted ? 'upvote upvoted' : 'upvote'}" aria-pressed="${upvoted ? 'true' : 'false'}" aria-label="Upvote (${count})">▲ <span class="count">${upvotes}</span></button></form>`;
}

export function SaveButton(props: { state: CardState; paperId: string; anchor?: string }) {
  const { state, paperId } = props;
  const back = props.anchor ? `${state.back}#${props.anchor}` : state.back;
  if (!state.signedIn) return html`<a class="save" href="${signInHref(back)}">Save</a>`;
  const saved = state.saved.has(paperId);
  return html`<form method="post" action="/papers/${paperId}/save" class="save-form" data-enhance="save">${csrfField(state.c)}<input type="hidden" name="back" value="${back}"><input type="hidden" name="saved" value="${saved ? 'false' : 'true'}"><button type="submit" class="${saved ? 'save saved' : 'save'}" aria-pressed="${saved ? 'true' : 'false'}">${saved ? 'Saved' : 'Save'}</button></form>`;
}
