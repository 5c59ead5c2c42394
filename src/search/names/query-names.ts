// Author names inside a free-text query: runs of two to four typed words that, read as a person's name, sign at
// least one paper ("Yann LeCun", "Wei He", "LeCun, Yann", "Y. LeCun"). Longest runs first, left to right, runs
// never overlapping. Pure: the author index is passed in.
import type { NameLookup } from './author-index.ts';
import { indexKeys, parsePersonName, queryKeyReadings, typedWords } from './person-name.ts';

export interface NameMatch {
  /** The words as typed. */
  text: string;
  /** The name keys that matched. */
  keys: string[];
  /** Papers signed by the name: ascending document numbers, the union over the keys. */
  docs: Int32Array;
}

/** Queries with more words than this are not read for names (a pasted abstract is not a name lookup). */
export const MAX_NAME_QUERY_WORDS = 10;
const MAX_NAME_WORDS = 4;

export function findAuthorNames(freeText: string, index: NameLookup): NameMatch[] {
  const words = typedWords(freeText.replace(/,/g, ' , '));
  const plain = words.filter((w) => w.raw !== ',');
  if (plain.length < 2 || plain.length > MAX_NAME_QUERY_WORDS) return [];
  const out: NameMatch[] = [];
  let i = 0;
  while (i < words.length) {
    let matched = 0;
    for (let k = Math.min(MAX_NAME_WORDS + 1, words.length - i); k >= 2 && !matched; k--) {
      const span = words.slice(i, i + k);
      const commas = span.filter((w) => w.raw === ',').length;
      // "LeCun, Yann": one comma, after the first word, turns the name around.
      if (commas > 1 || (commas === 1 && span[1].raw !== ',') || span.at(-1)!.raw === ',') continue;
      const named = commas ? [...span.slice(2), span[0]] : span;
      if (named.length < 2 || named.length > MAX_NAME_WORDS) continue;
      const match = lookup(named.map((w) => w.raw).join(' '), queryKeyReadings(named), index);
      if (match) {
        out.push({
          ...match,
          text: span
            .map((w) => w.raw)
            .join(' ')
            .replace(/ ,/g, ','),
        });
        matched = k;
      }
    }
    i += matched || 1;
  }
  return out;
}

/** The papers of a whole value read as one name (`author:"Yann LeCun"`), or null when it reads as no known name. */
export function nameDocs(value: string, index: NameLookup): NameMatch | null {
  const words = typedWords(value.replace(/,/g, ' , '));
  const comma = words.findIndex((w) => w.raw === ',');
  const named = comma === 1 && words.length > 2 ? [...words.slice(2), words[0]] : words.filter((w) => w.raw !== ',');
  if (named.length < 2 || named.length > MAX_NAME_WORDS) return null;
  return lookup(value, queryKeyReadings(named), index);
}

/** A document filter holding the given documents (within `into` when given). */
export function docMask(docCount: number, docs: Int32Array, into: Uint8Array | null): Uint8Array {
  const out = new Uint8Array(docCount);
  for (const d of docs) if (into === null || into[d]) out[d] = 1;
  return out;
}

function lookup(text: string, readings: string[][], index: NameLookup): NameMatch | null {
  for (const keys of readings) {
    const found = keys.map((key) => ({ key, docs: index.docs(key) })).filter((x) => x.docs.length > 0);
    if (found.length) return { text, keys: found.map((x) => x.key), docs: unionSorted(found.map((x) => x.docs)) };
  }
  return null;
}

function unionSorted(lists: Int32Array[]): Int32Array {
  if (lists.length === 1) return lists[0];
  const all = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of lists) {
    all.set(l, at);
    at += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i];
  return all.slice(0, n);
}

/** Whether an author as a paper lists them is the matched name (for showing the name as the papers write it). */
export function signsAs(author: string, match: Pick<NameMatch, 'keys'>): boolean {
  const name = parsePersonName(author);
  return name !== null && indexKeys(name).some((k) => match.keys.includes(k));
}
