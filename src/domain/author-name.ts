// Author names as identities. An author page gathers every spelling that shares a key; the key forgives only what
// never tells two people apart — letter case, accents, the compatibility forms of letters, punctuation, hyphens
// and spacing — and keeps everything else. Initials are never expanded ("Y. LeCun" and "Yann LeCun" stay two
// authors), word order is never swapped, and one name is one key even when two people share it: only a claim
// (a person's verified authorship of one entry on one paper) says which namesake wrote which paper.
//
// Pure: no imports. Search has its own view of names (src/search/); the two are meant to converge on one module.

/**
 * Letters that Unicode does not decompose into a base letter plus an accent, written as their usual Latin
 * stand-ins; and final sigma as sigma: lower-casing makes Σ one or the other by what surrounds it, so without the
 * fold a key computed again from itself could change ("в﮲Σ" → "в ς", then "в σ").
 */
const LETTER_FOLDS: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ð: 'd', ħ: 'h', ı: 'i', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th', ς: 'σ' };
const UNFOLDED_LETTERS = /[øłđðħıßæœþς]/g;
/** Combining diacritical marks (U+0300–U+036F): the accents of Latin, Greek and Cyrillic. Marks of other scripts (Devanagari vowel signs) are letters' parts and stay. */
const ACCENTS = /[\u0300-\u036f]/g;
/** Apostrophes join a name's parts (O'Brien, N’Diaye): dropped, not turned into a break. */
const APOSTROPHES = /['’ʼ`´]/g;
/** Anything that is not a letter, a mark of a letter or a digit separates words. */
const SEPARATORS = /[^\p{L}\p{M}\p{N}]+/gu;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ASCII_APOSTROPHES = /['`]/g;
const ASCII_SEPARATORS = /[^a-z0-9]+/g;

/**
 * The key shared by every spelling of one name: lower case, no accents, words of letters and digits separated by
 * one space ("José-María  O’Neil" → "jose maria oneil"). Empty when the name holds no letter or digit.
 */
export function authorKey(name: string): string {
  // Most names are plain ASCII, where the Unicode steps below change nothing; this path is about 10× faster.
  if (PRINTABLE_ASCII.test(name)) return name.toLowerCase().replace(ASCII_APOSTROPHES, '').replace(ASCII_SEPARATORS, ' ').trim();
  return (
    name
      .normalize('NFKC')
      // Upper then lower case folds what lower case alone leaves apart (final sigma, ß, Greek iota subscripts).
      .toUpperCase()
      .toLowerCase()
      .normalize('NFKD')
      .replace(ACCENTS, '')
      .normalize('NFC')
      .replace(UNFOLDED_LETTERS, (ch) => LETTER_FOLDS[ch])
      .replace(APOSTROPHES, '')
      .replace(SEPARATORS, ' ')
      .trim()
  );
}

/** The path segment of an author's page: the key with hyphens between words ("yann-lecun"). */
export function authorSlug(key: string): string {
  return key.replace(/ /g, '-');
}

/**
 * The key a path segment names. Any spelling of the name works (`Yann-LeCun`, `yann lecun`); the page redirects to
 * the canonical slug when they differ.
 */
export function keyFromSlug(slug: string): string {
  return authorKey(slug);
}
