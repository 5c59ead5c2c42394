// Per-case bounds for the fuzz suite: every case must finish within a time bound and produce output within a size
// bound (a stand-in for memory: a parser that keeps or emits far more than it was given is where memory blows up).
// The bounds are generous hang and blow-up detectors, not performance assertions.
import { expect } from 'vitest';

export interface Bounds {
  /** Milliseconds one case may take. */
  ms: number;
  /** Output characters allowed per input character, plus a constant. */
  perInputChar: number;
  constant: number;
}

/** Runs one case and checks its time and output size against the bounds; returns its output. */
export function bounded<T>(input: string, bounds: Bounds, run: () => T, size: (out: T) => number): T {
  const started = performance.now();
  const out = run();
  const elapsed = performance.now() - started;
  expect(elapsed, `one case took ${elapsed.toFixed(0)} ms`).toBeLessThan(bounds.ms);
  expect(size(out), 'output size').toBeLessThanOrEqual(bounds.constant + bounds.perInputChar * input.length);
  return out;
}

/** The same for a case that awaits. */
export async function boundedAsync<T>(input: string, bounds: Bounds, run: () => Promise<T>, size: (out: T) => number): Promise<T> {
  const started = performance.now();
  const out = await run();
  const elapsed = performance.now() - started;
  expect(elapsed, `one case took ${elapsed.toFixed(0)} ms`).toBeLessThan(bounds.ms);
  expect(size(out), 'output size').toBeLessThanOrEqual(bounds.constant + bounds.perInputChar * input.length);
  return out;
}

/** Text an attacker or a strange paper might carry: any code point, control characters, XML/HTML/CDATA/LaTeX pieces, emoji. */
export const HOSTILE_PIECES = [
  ']]>',
  '<![CDATA[',
  '<script>alert(1)</script>',
  '&amp;',
  '&#0;',
  '"',
  "'",
  '\u0000',
  '\u0001',
  '\u000b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udfff',
  '\r\n',
  '\r',
  '$\\frac{a}{b}$',
  '\\(x^2\\)',
  '$$\\sum_{i=0}^n$$',
  '😀',
  '👩‍🔬',
  '\u202e',
  '%00',
  '%0d%0a',
  'Bcc: victim@example.org',
];

/** True when a string holds half of a surrogate pair alone (it cannot be encoded as UTF-8). */
export function hasLoneSurrogate(s: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}
