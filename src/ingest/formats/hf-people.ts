// The people-related fields of one Hugging Face daily-papers entry: each author entry with its linked account and
// the status of the link (`paper.authors[].user`, `.status`, `.statusLastChangedAt`, `.hidden`, `._id`), the
// organisation (`organization`), media (`mediaUrls`), whether an author takes part in the discussion
// (`isAuthorParticipating`) and the submitter's account with their full name (`submittedBy`). Values of the wrong
// type or shape are dropped, not guessed; URLs are kept exactly as given (Hugging Face's default avatars are
// relative paths such as /avatars/<hash>.svg).
import { PAPER_LIMITS } from '../../domain/paper.ts';
import type { HfAuthorEntry, HfOrganization, HfPeople, HfUserRef } from '../../domain/people.ts';
import { isObject, str, strings, type JsonObject } from './json-record.ts';

/** Hugging Face account and organisation names: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
const ACCOUNT_NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;
const OBJECT_ID = /^[\w-]{1,64}$/;
const STATUS = /^[a-z_]{1,40}$/;
const MAX_URL_LENGTH = 1_000;
const MAX_MEDIA = 20;

/** `paper` is the entry's `paper` object, `item` the entry itself (some fields sit on either). */
export function parseHfPeople(item: JsonObject, paper: JsonObject): HfPeople {
  const authors = Array.isArray(paper.authors) ? paper.authors.slice(0, PAPER_LIMITS.authors) : [];
  return {
    authors: authors.flatMap((a, position) => {
      const entry = isObject(a) ? authorEntry(a, position) : null;
      return entry ? [entry] : [];
    }),
    organization: organization(item.organization ?? paper.organization),
    mediaUrls: strings(item.mediaUrls ?? paper.mediaUrls)
      .filter(isWebUrl)
      .slice(0, MAX_MEDIA),
    isAuthorParticipating: typeof item.isAuthorParticipating === 'boolean' ? item.isAuthorParticipating : null,
    submitter: userRef(item.submittedBy) ?? userRef(paper.submittedOnDailyBy),
  };
}

function authorEntry(a: JsonObject, position: number): HfAuthorEntry | null {
  const name = text(a.name, PAPER_LIMITS.authorName);
  if (!name) return null;
  const status = str(a.status);
  return {
    position,
    name,
    hfId: objectId(a._id),
    hidden: a.hidden === true,
    status: status && STATUS.test(status) ? status : null,
    statusChangedAt: isoOrNull(a.statusLastChangedAt),
    user: userRef(a.user),
  };
}

/** An account object: `user` (author links, submittedOnDailyBy) or `name` (submittedBy) holds the user name. */
function userRef(v: unknown): HfUserRef | null {
  if (!isObject(v)) return null;
  const username = [str(v.user), str(v.name)].find((s) => s && ACCOUNT_NAME.test(s));
  if (!username) return null;
  return {
    username,
    hfId: objectId(v._id) ?? objectId(v.id),
    fullname: text(v.fullname, PAPER_LIMITS.authorName),
    avatarUrl: imageUrl(v.avatarUrl),
    isPro: v.isPro === true,
  };
}

function organization(v: unknown): HfOrganization | null {
  if (!isObject(v)) return null;
  const name = str(v.name);
  if (!name || !ACCOUNT_NAME.test(name)) return null;
  return { name, hfId: objectId(v._id), fullname: text(v.fullname, PAPER_LIMITS.authorName) ?? name, avatarUrl: imageUrl(v.avatar) };
}

function text(v: unknown, max: number): string | null {
  const s = str(v)?.replace(/\s+/g, ' ').trim();
  return s && s.length <= max ? s : null;
}

function objectId(v: unknown): string | null {
  const s = str(v);
  return s && OBJECT_ID.test(s) ? s : null;
}

function isWebUrl(s: string): boolean {
  return s.length <= MAX_URL_LENGTH && /^https?:\/\//i.test(s) && URL.canParse(s);
}

/** An absolute http(s) URL or a path on Hugging Face's site, as given. */
function imageUrl(v: unknown): string | null {
  const s = str(v);
  if (!s || s.length > MAX_URL_LENGTH) return null;
  return isWebUrl(s) || /^\/(?![/\\])\S*$/.test(s) ? s : null;
}

function isoOrNull(v: unknown): string | null {
  const s = str(v);
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
