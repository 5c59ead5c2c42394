// Text → index terms. One analyser for papers and queries, so both sides always agree.
//
// Steps: Unicode NFKC (ligatures, full-width forms), accents removed (Schrödinger → schrodinger), lowercase;
// LaTeX commands dropped except Greek letters ($\mathcal{O}(n)$ → o n, $\alpha$ → alpha); words are runs of
// letters and digits that may be joined by hyphens, apostrophes or a decimal point (GPT-3.5, BERT-large, X-ray).
// A joined word yields its parts, plus the glued form when it names a thing (has a digit or a one-letter part:
// GPT-4 → gpt, 4, gpt4; X-ray → x, ray, xray) so "GPT4" and "GPT-4" meet. Alphabetic parts are Porter-stemmed,
// stopwords dropped.
import { WordMemo } from './word-memo.ts';
import { porterStem } from './porter.ts';
import { americanSpelling } from './spelling.ts';
import { STOPWORDS } from './stopwords.ts';

const GREEK = new Set(
  'alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi varphi chi psi omega'.split(' '),
);

/** Words in raw text: letters/digits joined by single hyphens, apostrophes or a dot between digits. */
export const WORD_PATTERN = /[\p{L}\p{N}]+(?:(?:['’\-‐‑–]|\.(?=\p{N}))[\p{L}\p{N}]+)*/gu;

const LATEX_COMMAND = /\\([a-zA-Z]+)/g;
const COMBINING_MARKS = /\p{M}+/gu;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** NFKC, accents off, lowercase, LaTeX command names removed (Greek letters kept as words). */
export function normalizeText(text: string): string {
  // Plain ASCII (most abstracts) has nothing for NFKC or accent stripping to do.
  if (PRINTABLE_ASCII.test(text)) {
    const lower = text.toLowerCase();
    return lower.includes('\\') ? lower.replace(LATEX_COMMAND, (_, name: string) => (GREEK.has(name) ? ` ${name} ` : ' ')) : lower;
  }
  let s = text.normalize('NFKC');
  if (s.includes('\\')) s = s.replace(LATEX_COMMAND, (_, name: string) => (GREEK.has(name.toLowerCase()) ? ` ${name} ` : ' '));
  // NFD splits accented letters into base + mark; dropping the marks leaves the base letter.
  return s.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

const HAS_DIGIT = /\p{N}/u;
const ASCII_WORD = /^[a-z]+$/;
const SPLIT_JOINERS = /['’\-‐‑–]/;

/** One part of a word → its term, or null for a stopword. */
function termOf(part: string): string | null {
  if (!part) return null;
  if (STOPWORDS.has(part)) return null;
  if (ASCII_WORD.test(part)) return porterStem(americanSpelling(part));
  return part;
}

/**
 * Terms of one already-normalised word, in order; `glued` is the extra whole-word form (or null).
 * Possessive 's is dropped: Alzheimer's → alzheim.
 */
export function wordTerms(word: string): WordTerms {
  let cached = wordCache.get(word);
  if (cached === undefined) {
    // Analysis is dominated by repeats (word-memo.ts). The key and the terms cut from it are cut from a copy, so the
    // memo keeps no text the word came from alive.
    const own = detached(word);
    cached = computeWordTerms(own);
    wordCache.set(own, cached);
  }
  return cached;
}

/**
 * `s` as a string of its own. V8 keeps a substring of 13 characters or more (a regex match, a slice) as a view into
 * the text it was cut from, so a long word kept in a module-level cache would keep a whole abstract alive: the
 * soak's heap grew by tens of MB a minute that way. Slicing a fresh concatenation flattens it into a new string of
 * the word's length (plus one), which is all the result refers to.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

export interface WordTerms {
  readonly parts: readonly string[];
  readonly glued: string | null;
}

/**
 * Words per generation: the frequent words of any text (the 10,000 commonest make up most of an abstract's words),
 * about 4 MiB with the previous generation.
 */
const wordCache = new WordMemo<WordTerms>(10_000);

function computeWordTerms(word: string): WordTerms {
  const w = word.replace(/['’]s$/, '');
  const pieces = w.split(SPLIT_JOINERS).filter(Boolean);
  const parts: string[] = [];
  for (const p of pieces) {
    const t = termOf(p);
    if (t) parts.push(t);
  }
  let glued: string | null = null;
  if (pieces.length > 1 && (HAS_DIGIT.test(w) || pieces.some((p) => p.length === 1))) glued = pieces.join('');
  return { parts, glued };
}

export interface Analysis {
  /** Terms in reading order (parts of joined words in order); stopwords removed. */
  sequence: string[];
  /** Glued forms of joined words, counted like other terms but not part of the sequence (no phrase bigrams). */
  extra: string[];
}

/** `onWord` sees every normalised word as written (the index build counts them for spelling suggestions). */
export function analyze(text: string, onWord?: (word: string) => void): Analysis {
  const sequence: string[] = [];
  const extra: string[] = [];
  const normalized = normalizeText(text);
  for (const m of normalized.matchAll(WORD_PATTERN)) {
    onWord?.(m[0]);
    const { parts, glued } = wordTerms(m[0]);
    for (const p of parts) sequence.push(p);
    if (glued) extra.push(glued);
  }
  return { sequence, extra };
}

/** All terms of a text (sequence + glued forms). */
export function terms(text: string): string[] {
  const a = analyze(text);
  return a.extra.length ? a.sequence.concat(a.extra) : a.sequence;
}

/** The bigram term for two adjacent terms (a space never occurs inside a term). */
export function bigram(a: string, b: string): string {
  return a + ' ' + b;
}

/** Normalised name words for author matching: "Schölkopf, B." → ["scholkopf", "b"]. */
export function nameWords(name: string): string[] {
  return [...normalizeText(name).matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]);
}
