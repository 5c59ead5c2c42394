// Spelling correction of a query against the corpus: a word is replaced when the corpus does not know it, or knows
// it in far fewer papers than a word one or two edits away ("tranformer" → transformer; "retreival augmented
// generaton" → retrieval augmented generation). What a researcher types on purpose is left alone: quoted phrases,
// field values (author:, category:, year:), numbers and words with digits (GPT-4, 2506.00338), acronyms and
// mixed-case names (LoRA, SHAP, ResNet), words shorter than four letters, stopwords, and any word the corpus uses
// often enough (mamba), and any word the spelling dictionary holds (used in a few papers at least). A corrected word
// that some paper does use is searched for alongside its correction, so a rare real word ("tractor") still finds
// its papers. Pure: the dictionary and the index's document frequencies are passed in.
import { WORD_PATTERN } from '../text/analyze.ts';
import { STOPWORDS } from '../text/stopwords.ts';
import { MIN_WORD_LENGTH, type SpellingLookup } from './dictionary.ts';

/** A word the corpus knows is replaced only by one used in at least this many times as many papers. */
export const FAR_RARER = 200;

/** Words used by at least this many papers are never replaced (a real word, however close to a commoner one). */
export function knownDf(docCount: number): number {
  return Math.max(10, Math.ceil(docCount / 10_000));
}

export interface SpellingFix {
  from: string;
  to: string;
  /** Some paper uses the typed word: it is searched for too. */
  keep: boolean;
}

export interface SpellingCorrection {
  /** The query as typed. */
  original: string;
  /** The query with each corrected word replaced (everything else as typed). */
  corrected: string;
  /** What is searched: the corrected query, with each kept typed word next to its correction. */
  searched: string;
  words: SpellingFix[];
}

export interface SpellingContext {
  dictionary: SpellingLookup;
  /** Papers in the corpus. */
  docCount: number;
  /** Papers whose index holds the word's term (after stemming); 0 for a word the corpus never uses. */
  termDf(word: string): number;
  /** The word's index term (its stem), so a suggestion that is only another form of the word is not offered. */
  termOf(word: string): string | null;
}

const FIELD_OR_QUOTE = /(?:^|\s)(?:author|au|category|cat|year):(?:"[^"]*"?|\S*)|"[^"]*"/gi;
const JOINER = /['’\-‐‑–]/;
const PLAIN = /^[A-Za-z]+$/;
const HAS_DIGIT = /\d/;

/** Whether a word as typed may be corrected: lower case, or capitalised only (not LoRA, SHAP, ResNet). */
function correctable(word: string): boolean {
  if (word.length < MIN_WORD_LENGTH || !PLAIN.test(word)) return false;
  const rest = word.slice(1);
  return rest === rest.toLowerCase();
}

/** The correction of one typed word, or null to keep it as typed. */
export function correctWord(word: string, ctx: SpellingContext): SpellingFix | null {
  if (!correctable(word)) return null;
  const lower = word.toLowerCase();
  if (STOPWORDS.has(lower)) return null;
  const df = ctx.termDf(lower);
  if (df >= knownDf(ctx.docCount)) return null;
  // Short words have many neighbours two edits away: one edit only.
  const suggestions = ctx.dictionary.suggestions(lower, lower.length <= 5 ? 1 : 2);
  if (suggestions.some((s) => s.word === lower)) return null;
  const own = ctx.termOf(lower);
  for (const s of suggestions) {
    if (ctx.termOf(s.word) === own) continue;
    if (df > 0 && s.df < FAR_RARER * df) return null;
    return { from: word, to: word[0] === lower[0] ? s.word : s.word[0].toUpperCase() + s.word.slice(1), keep: df > 0 };
  }
  return null;
}

/** Longer queries are not corrected: a pasted abstract is not typed, and its rare words are its point. */
export const MAX_CORRECTED_WORDS = 24;

/** The corrected query, or null when nothing needs correcting. */
export function correctQuery(query: string, ctx: SpellingContext): SpellingCorrection | null {
  if (query.length > MAX_CORRECTED_WORDS * 40 || (query.match(/\S+/g)?.length ?? 0) > MAX_CORRECTED_WORDS) return null;
  const protectedRanges: [number, number][] = [];
  for (const m of query.matchAll(FIELD_OR_QUOTE)) protectedRanges.push([m.index!, m.index! + m[0].length]);
  const isProtected = (at: number) => protectedRanges.some(([a, b]) => at >= a && at < b);
  const fixes: (SpellingFix & { at: number })[] = [];
  for (const m of query.matchAll(WORD_PATTERN)) {
    if (isProtected(m.index!) || HAS_DIGIT.test(m[0])) continue;
    let offset = 0;
    for (const part of m[0].split(JOINER)) {
      const fix = correctWord(part, ctx);
      if (fix) fixes.push({ ...fix, at: m.index! + m[0].indexOf(part, offset) });
      offset += part.length + 1;
    }
  }
  if (!fixes.length) return null;
  const rewrite = (replacement: (f: SpellingFix) => string) => {
    let out = '';
    let at = 0;
    for (const f of fixes) {
      out += query.slice(at, f.at) + replacement(f);
      at = f.at + f.from.length;
    }
    return out + query.slice(at);
  };
  return {
    original: query,
    corrected: rewrite((f) => f.to),
    searched: rewrite((f) => (f.keep ? `${f.to} ${f.from}` : f.to)),
    words: fixes.map(({ from, to, keep }) => ({ from, to, keep })),
  };
}
