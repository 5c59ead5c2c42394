// Highlights and snippets: the words of a field whose terms the query asked for, as Hugging Face's
// `highlightedTitle` / `highlightedSummary` arrays. Works on the raw text (no offsets to map back): each word
// is analysed like the index analyses it and marked when one of its terms is wanted.
import { detached, normalizeText, WORD_PATTERN, wordTerms, type WordTerms } from './text/analyze.ts';
import type { HighlightPart } from './types.ts';
import { WordMemo } from './text/word-memo.ts';

/**
 * Terms of a word as it appears in the text. Memoised by the raw word: results show the same words over and over,
 * and normalising each occurrence anew was most of a query's garbage (a fresh lowercase string per word).
 */
function rawWordTerms(word: string): WordTerms {
  let terms = rawWordCache.get(word);
  if (terms === undefined) {
    terms = wordTerms(normalizeText(word));
    rawWordCache.set(detached(word), terms);
  }
  return terms;
}

/** Raw words (as written, capitals and all) per generation (word-memo.ts). */
const rawWordCache = new WordMemo<WordTerms>(10_000);

function isWanted(word: string, wanted: ReadonlySet<string>): boolean {
  const { parts, glued } = rawWordTerms(word);
  for (const p of parts) if (wanted.has(p)) return true;
  return glued !== null && wanted.has(glued);
}

/** The text split into plain and highlighted parts; adjacent parts of one kind are merged. */
export function highlight(text: string, wanted: ReadonlySet<string>): HighlightPart[] {
  const parts: HighlightPart[] = [];
  const push = (type: HighlightPart['type'], s: string) => {
    if (!s) return;
    const last = parts[parts.length - 1];
    if (last && last.type === type) last.text += s;
    else parts.push({ type, text: s });
  };
  let at = 0;
  if (wanted.size) {
    for (const m of text.matchAll(WORD_PATTERN)) {
      if (!isWanted(m[0], wanted)) continue;
      push('text', text.slice(at, m.index));
      push('highlight', m[0]);
      at = m.index! + m[0].length;
    }
  }
  push('text', text.slice(at));
  return parts;
}

/**
 * A window of about `maxChars` around the densest run of matched words, cut at word boundaries, with "…"
 * where text was cut. The start of the text when nothing matched.
 */
export function snippet(text: string, wanted: ReadonlySet<string>, maxChars = 240): string {
  if (text.length <= maxChars) return text;
  const hits: number[] = [];
  if (wanted.size) for (const m of text.matchAll(WORD_PATTERN)) if (isWanted(m[0], wanted)) hits.push(m.index!);
  let start = 0;
  if (hits.length) {
    // The window start (at a hit) that covers the most hits.
    let best = 0;
    let bestCount = 0;
    let j = 0;
    for (let i = 0; i < hits.length; i++) {
      while (hits[j] < hits[i] - maxChars * 0.8) j++;
      if (i - j + 1 > bestCount) {
        bestCount = i - j + 1;
        best = hits[j];
      }
    }
    start = Math.max(0, best - 40);
  }
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space >= 0 && space < start + 30 ? space + 1 : start;
  }
  let end = Math.min(text.length, start + maxChars);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + maxChars / 2) end = space;
  }
  return (start > 0 ? '…' : '') + text.slice(start, end).trim() + (end < text.length ? '…' : '');
}
