// Edit distance for spelling: insertions, deletions, substitutions and swaps of two adjacent letters each cost one
// (the optimal-string-alignment form of Damerau–Levenshtein), so "retreival" is one edit from "retrieval", as a
// typist would count it. Rows are reused and the computation stops once every cell of a row exceeds `max`.

let prev2 = new Int32Array(64);
let prev = new Int32Array(64);
let row = new Int32Array(64);

/** The distance between a and b, or max + 1 when it is larger than max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  if (n + 1 > row.length) {
    prev2 = new Int32Array(n + 1);
    prev = new Int32Array(n + 1);
    row = new Int32Array(n + 1);
  }
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, prev2[j - 2] + 1);
      row[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = row;
    row = t;
  }
  return prev[n] <= max ? prev[n] : max + 1;
}
