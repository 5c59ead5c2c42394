// Where people live on the site: author pages (by name key), organisation pages, profiles of accounts here, and
// Hugging Face accounts (which link to huggingface.co, not to a page here).
import { authorKey, authorSlug } from '../../domain/author-name.ts';

/** The author page of a name, or null for a name with no letter or digit (it has no page). */
export function authorPath(name: string): string | null {
  const key = authorKey(name);
  return key ? `/authors/${encodeURIComponent(authorSlug(key))}` : null;
}

export function orgPath(name: string): string {
  return `/orgs/${encodeURIComponent(name)}`;
}

export function profilePath(username: string): string {
  return `/u/${encodeURIComponent(username)}`;
}

export function hfProfileUrl(username: string): string {
  return `https://huggingface.co/${encodeURIComponent(username)}`;
}

/** An author's name, linked to their page when it has one. */
export function AuthorLink(props: { name: string }) {
  const href = authorPath(props.name);
  return href ? <a href={href}>{props.name}</a> : <>{props.name}</>;
}
