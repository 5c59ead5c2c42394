// The person's controls on a paper, wherever it appears: the upvote button with their vote, and "save" with their
// library's state. Every control is a small POST form (CSRF token, explicit target state, the page to come back to
// at this card), so it works without JavaScript; app.js submits the same forms in the background when it can.
// Pages that list papers load the person's state once (web/library/card-state.ts) and hand it down through
// CardStateContext, so no list component has to thread it through.
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import { createContext, useContext } from 'hono/jsx';
import { csrfInput, csrfToken } from '../security/csrf.ts';
import { CSRF_PLACEHOLDER, type TemplateBuilder } from './page-template.ts';

/** A person's state, for pages rendered per request. */
export interface PersonCardState {
  c: Context;
  /** Null for anonymous visitors: their controls are sign-in links, so their copy of the page stays cacheable. */
  signedIn: boolean;
  /** The page (path and query) the forms come back to; each form adds its card's anchor. */
  back: string;
  upvoted: ReadonlySet<string>;
  saved: ReadonlySet<string>;
}

/** A page rendered once as a template (page-template.ts): each control is a hole filled per viewer. */
export interface TemplateCardState {
  template: TemplateBuilder;
  back: string;
}

export type CardState = PersonCardState | TemplateCardState;

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

/** Who a control is for: an anonymous visitor, or a signed-in person whose state is on (voted, saved) or off. */
type ControlViewer = { signedIn: false } | { signedIn: true; on: boolean; csrf: string };

/** The upvote control: a sign-in link, or the form whose button shows whether this person upvoted. */
function upvoteControl(p: { paperId: string; upvotes: number; back: string }, viewer: ControlViewer): string {
  const count = `${p.upvotes} upvote${p.upvotes === 1 ? '' : 's'}`;
  if (!viewer.signedIn) {
    return String(html`<a class="upvote" href="${signInHref(p.back)}" aria-label="Sign in to upvote (${count})">▲ <span class="count">${p.upvotes}</span></a>`);
  }
  const upvoted = viewer.on;
  return String(
    html`<form method="post" action="/papers/${p.paperId}/upvote" class="upvote-form" data-enhance="vote">${csrfInput(viewer.csrf)}<input type="hidden" name="back" value="${p.back}"><input type="hidden" name="upvoted" value="${upvoted ? 'false' : 'true'}"><button type="submit" class="${upvoted ? 'upvote upvoted' : 'upvote'}" aria-pressed="${upvoted ? 'true' : 'false'}" aria-label="Upvote (${count})">▲ <span class="count">${p.upvotes}</span></button></form>`,
  );
}

/** The save control: a sign-in link, or the form whose button shows whether this person saved the paper. */
function saveControl(p: { paperId: string; back: string }, viewer: ControlViewer): string {
  if (!viewer.signedIn) return String(html`<a class="save" href="${signInHref(p.back)}">Save</a>`);
  const saved = viewer.on;
  return String(
    html`<form method="post" action="/papers/${p.paperId}/save" class="save-form" data-enhance="save">${csrfInput(viewer.csrf)}<input type="hidden" name="back" value="${p.back}"><input type="hidden" name="saved" value="${saved ? 'false' : 'true'}"><button type="submit" class="${saved ? 'save saved' : 'save'}" aria-pressed="${saved ? 'true' : 'false'}">${saved ? 'Saved' : 'Save'}</button></form>`,
  );
}

/**
 * A control showing the person's state: in a template, a hole with three variants (anonymous, signed in with the
 * state on, off); otherwise rendered for the person at once.
 */
function personalControl(
  state: CardState,
  isOn: (person: { upvoted: ReadonlySet<string>; saved: ReadonlySet<string> }) => boolean,
  render: (viewer: ControlViewer) => string,
) {
  if ('template' in state) {
    return state.template.hole(
      (viewer) => (viewer.account === null ? 'a' : isOn(viewer) ? '1' : '0'),
      (key) => render(key === 'a' ? { signedIn: false } : { signedIn: true, on: key === '1', csrf: CSRF_PLACEHOLDER }),
    );
  }
  return raw(render(state.signedIn ? { signedIn: true, on: isOn(state), csrf: csrfToken(state.c) } : { signedIn: false }));
}

const backTo = (state: CardState, anchor?: string) => (anchor ? `${state.back}#${anchor}` : state.back);

export function UpvoteButton(props: { state: CardState; paperId: string; upvotes: number; anchor?: string }) {
  const { state, paperId, upvotes } = props;
  const control = { paperId, upvotes, back: backTo(state, props.anchor) };
  return personalControl(
    state,
    (person) => person.upvoted.has(paperId),
    (viewer) => upvoteControl(control, viewer),
  );
}

export function SaveButton(props: { state: CardState; paperId: string; anchor?: string }) {
  const { state, paperId } = props;
  const control = { paperId, back: backTo(state, props.anchor) };
  return personalControl(
    state,
    (person) => person.saved.has(paperId),
    (viewer) => saveControl(control, viewer),
  );
}
