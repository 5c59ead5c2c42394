// Proactive content negotiation (RFC 9110 §12): which of the representations the server can make the client
// prefers, from Accept or Accept-Encoding. Hono parses the header (its values, parameters and q-weights); the
// choosing rule is here: the highest weight above zero wins, ties go to the server's order, an explicit entry
// outranks a wildcard, and a value the header does not name (nor covers by a wildcard) is not acceptable.
import { parseAccept } from 'hono/utils/accept';

/** The weight a header gives one value: its own entry, else the best-matching wildcard, else 0. */
function weightOf(entries: { type: string; q: number }[], value: string, wildcards: string[]): number {
  let wildcard: number | null = null;
  for (const entry of entries) {
    const type = entry.type.toLowerCase();
    if (type === value) return entry.q;
    const rank = wildcards.indexOf(type);
    if (rank >= 0 && (wildcard === null || rank < wildcard)) wildcard = rank;
  }
  if (wildcard === null) return 0;
  return entries.find((e) => e.type.toLowerCase() === wildcards[wildcard!])!.q;
}

/**
 * The supported value the header prefers, or null when it accepts none of them. `wildcardsOf` lists, most
 * specific first, the header values that cover a supported value (`text/*` and `*\/*` for `text/html`).
 */
export function negotiate<T extends string>(header: string, supported: readonly T[], wildcardsOf: (value: T) => string[]): T | null {
  const entries = parseAccept(header);
  let best: T | null = null;
  let bestWeight = 0;
  for (const value of supported) {
    const weight = weightOf(entries, value, wildcardsOf(value));
    if (weight > bestWeight) {
      best = value;
      bestWeight = weight;
    }
  }
  return best;
}

/** Media types are covered by `type/*` and `*\/*`. */
export const mediaWildcards = (type: string): string[] => [`${type.split('/')[0]}/*`, '*/*'];

/**
 * A small memo for negotiations that run on every request (the page cache's lookup): clients send a handful of
 * distinct header values, so the answer for each is computed once. Past `capacity` values it stops remembering.
 */
export function memoized<T>(decide: (header: string) => T, capacity = 256): (header: string) => T {
  const seen = new Map<string, T>();
  return (header) => {
    let answer = seen.get(header);
    if (answer === undefined && !seen.has(header)) {
      answer = decide(header);
      if (seen.size < capacity) seen.set(header, answer);
    }
    return answer as T;
  };
}

/**
 * True when Accept ranks Markdown above HTML (huggingface_hub, LLM tools). A browser's `*\/*` never does: HTML
 * comes first on equal weights.
 */
export const prefersMarkdown: (accept: string) => boolean = memoized(
  (accept) => accept.includes('markdown') && negotiate(accept, ['text/html', 'text/markdown'], mediaWildcards) === 'text/markdown',
);
