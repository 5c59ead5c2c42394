// Agreement of extracted keyphrases with reference keywords (Hugging Face's ai_keywords), the way a reader would
// judge it: phrases are compared as the search analyzer sees them (case, accents, British spellings, plural and
// other endings folded by stemming, stopwords dropped), so "Vision Transformers" matches "vision transformer".
//   exact:   the same terms in the same order.
//   overlap: exact, or one phrase's terms appear contiguously inside the other's and the shorter has at least two
//            terms ("quantization error" inside "W4A4 quantization error"); a lone word inside a phrase ("model"
//            in "model size") does not count.
import { terms } from '../text/analyze.ts';

export type KeyphraseMatch = 'exact' | 'overlap';

function contains(long: string[], short: string[]): boolean {
  for (let i = 0; i + short.length <= long.length; i++) {
    if (short.every((t, j) => long[i + j] === t)) return true;
  }
  return false;
}

export function keyphraseMatches(predicted: string, reference: string, match: KeyphraseMatch): boolean {
  const a = terms(predicted);
  const b = terms(reference);
  if (!a.length || !b.length) return false;
  if (a.length === b.length && a.every((t, i) => t === b[i])) return true;
  if (match === 'exact') return false;
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  return short.length >= 2 && contains(long, short);
}

/** Share of the first k predicted phrases that match some reference keyword (k in the denominator, as P@k). */
export function keyphrasePrecisionAt(predicted: string[], reference: string[], k: number, match: KeyphraseMatch): number {
  let hits = 0;
  for (const p of predicted.slice(0, k)) if (reference.some((r) => keyphraseMatches(p, r, match))) hits++;
  return hits / k;
}
