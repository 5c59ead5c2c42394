// The person's controls on a paper, wherever it appears: the upvote button with their vote, and "save" with their
// library's state. Every control is a submit button of the page's one POST form (CARD_FORM_ID) with its explicit
// target state, so it works without JavaScript; app.js sends the same submission in the background when it can.
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
  /** The page (path and query) the controls come back to, at the card (see atCard). */
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

/**
 * The id of the page's one form that every control submits (their buttons name it with `form=`): it holds the CSRF
 * token and the page to come back to once, where a form per control repeated both on every card (a signed-in day
 * page of 30 cards was 40 % larger than the anonymous one; now the two are about the same size). Each button adds its
 * own target (`formaction`) and target state (its name and value); the server returns to the page at the card.
 */
export const CARD_FORM_ID = 'card-form';

function cardForm(csrf: string, back: string): string {
  return String(
    html`<form id="${CARD_FORM_ID}" method="post" data-enhance="card" hidden>${csrfInput(csrf)}<input type="hidden" name="back" value="${back}"></form>`,
  );
}

/** The page's control form, for signed-in viewers of a page that has card state (nothing otherwise); Layout renders it. */
export function CardForm() {
  const state = useCardState();
  if (state === null) return null;
  if ('template' in state) {
    return state.template.hole(
      (viewer) => (viewer.account === null ? 'a' : 's'),
      (key) => (key === 'a' ? '' : cardForm(CSRF_PLACEHOLDER, state.back)),
    );
  }
  return state.signedIn ? raw(cardForm(csrfToken(state.c), state.back)) : null;
}

// The controls are templates rather than JSX: a list page renders two per card for every request (signed-in pages
// are never cached), and a template renders in about half the time (60 forms: 0.6 ms against 1.4 ms).

/** Who a control is for: an anonymous visitor, or a signed-in person whose state is on (voted, saved) or off. */
type ControlViewer = { signedIn: false } | { signedIn: true; on: boolean };

/** The upvote control: a sign-in link, or the button that shows whether this person upvoted and sets the other state. */
function upvoteControl(p: { paperId: string; upvotes: number; back: string }, viewer: ControlViewer): string {
  const count = `${p.upvotes} upvote${p.upvotes === 1 ? '' : 's'}`;
  if (!viewer.signedIn) {
    return String(html`<a class="upvote" href="${signInHref(p.back)}" aria-label="Sign in to upvote (${count})">▲ <span class="count">${p.upvotes}</span></a>`);
  }
  const upvoted = viewer.on;
  return String(
    html`<button form="${CARD_FORM_ID}" formaction="/papers/${p.paperId}/upvote" name="upvoted" value="${upvoted ? 'false' : 'true'}" class="${upvoted ? 'upvote upvoted' : 'upvote'}" aria-pressed="${upvoted ? 'true' : 'false'}" aria-label="Upvote (${count})">▲ <span class="count">${p.upvotes}</span></button>`,
  );
}

/** The save control: a sign-in link, or the button that shows whether this person saved the paper. */
function saveControl(p: { paperId: string; back: string }, viewer: ControlViewer): string {
  if (!viewer.signedIn) return String(html`<a class="save" href="${signInHref(p.back)}">Save</a>`);
  const saved = viewer.on;
  return String(
    html`<button form="${CARD_FORM_ID}" formaction="/papers/${p.paperId}/save" name="saved" value="${saved ? 'false' : 'true'}" class="${saved ? 'save saved' : 'save'}" aria-pressed="${saved ? 'true' : 'false'}">${saved ? 'Saved' : 'Save'}</button>`,
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
      (key) => render(key === 'a' ? { signedIn: false } : { signedIn: true, on: key === '1' }),
    );
  }
  return raw(render(state.signedIn ? { signedIn: true, on: isOn(state) } : { signedIn: false }));
}

/** Where a control returns to: the page, at the paper's card (sign-in links carry it; the server adds it to forms'). */
const atCardOf = (state: CardState, paperId: string) => `${state.back}#${cardAnchor(paperId)}`;

export function UpvoteButton(props: { state: CardState; paperId: string; upvotes: number }) {
  const { state, paperId, upvotes } = props;
  const control = { paperId, upvotes, back: atCardOf(state, paperId) };
  return personalControl(
    state,
    (person) => person.upvoted.has(paperId),
    (viewer) => upvoteControl(control, viewer),
  );
}

export function SaveButton(props: { state: CardState; paperId: string }) {
  const { state, paperId } = props;
  const control = { paperId, back: atCardOf(state, paperId) };
  return personalControl(
    state,
    (person) => person.saved.has(paperId),
    (viewer) => saveControl(control, viewer),
  );
}
