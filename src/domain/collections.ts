// Collections' names and limits, pure. A slug is `owner/title-words-<id>` as on Hugging Face: only the id at the
// end identifies the collection, so renaming it leaves old links working.
import crypto from 'node:crypto';

export const TITLE_MAX = 100;
export const DESCRIPTION_MAX = 1000;
/** Hugging Face's limit for a note on an item. */
export const NOTE_MAX = 500;
export const ITEMS_MAX = 1000;
export const COLLECTIONS_PER_PERSON_MAX = 200;
export const THEMES = ['default', 'orange', 'blue', 'green', 'purple', 'pink', 'indigo'] as const;
export type Theme = (typeof THEMES)[number];

/** 24 hex digits, the shape of Hugging Face's collection and item ids. */
export function newObjectId(): string {
  return crypto.randomBytes(12).toString('hex');
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

export function isObjectId(s: string): boolean {
  return OBJECT_ID.test(s);
}

/** The words of a title for a URL: lower case ASCII letters and digits joined by hyphens. */
export function titleWords(title: string): string {
  const words = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return words || 'collection';
}

export function collectionSlug(owner: string, title: string, id: string): string {
  return `${owner}/${titleWords(title)}-${id}`;
}

/** The id at the end of a slug's name part (`title-words-<id>`), or null when there is none. */
export function idOfSlugName(name: string): string | null {
  const id = name.slice(-24);
  return isObjectId(id) && (name.length === 24 || name[name.length - 25] === '-') ? id : null;
}

/** The key that makes titles unique per owner: "Reading list" and " reading LIST " are the same title. */
export function titleKey(title: string): string {
  return title.trim().replace(/\s+/g, ' ').toLowerCase();
}
