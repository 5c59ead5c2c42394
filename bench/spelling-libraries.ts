// `npm run bench -- spelling-libraries`: the spelling dictionary of the 74k real papers in mnemonist's SymSpell
// (a well-kept library: whole-word deletes in Maps and Sets, Levenshtein distance) against ours (hashed prefix
// deletes in typed arrays, swaps counted as one edit): build time, memory, lookup time for 2,000 generated typos
// (one or two random edits of dictionary words), and how often both suggest the same closest words. Mnemonist is not
// a dependency: install it first (`npm install --no-save mnemonist@0.40.8`).
import { seededRandom } from '../src/domain/seeded-random.ts';
import { buildIndexes } from '../src/search/engine.ts';
import { buildSpellingData, SpellingDictionary } from '../src/search/spelling/dictionary.ts';
import { loadRealPapers } from './search.ts';

interface MnemonistSymSpell {
  add(word: string): void;
  search(word: string): { term: string; distance: number }[];
}

export async function run(): Promise<void> {
  const specifier = 'mnemonist/symspell.js';
  let SymSpell: new (options: { maxDistance: number; verbosity: number }) => MnemonistSymSpell;
  try {
    SymSpell = (await import(specifier)).default;
  } catch {
    throw new Error('this comparison needs mnemonist: npm install --no-save mnemonist@0.40.8');
  }
  const heap = () => {
    global.gc?.();
    global.gc?.();
    return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  };
  const { spelling } = buildIndexes(loadRealPapers()).vocabulary;
  const built = new SpellingDictionary(spelling);
  const entries = Array.from({ length: built.size }, (_, i) => ({ word: built.word(i), df: spelling.df[i] }));
  const rand = seededRandom(7);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const typos = Array.from({ length: 2000 }, () => {
    let w = entries[Math.floor(rand() * entries.length)].word;
    for (let e = 1 + Math.floor(rand() * 2); e > 0; e--) {
      const i = Math.floor(rand() * w.length);
      const c = letters[Math.floor(rand() * 26)];
      const kind = Math.floor(rand() * 4);
      w =
        kind === 0
          ? w.slice(0, i) + w.slice(i + 1)
          : kind === 1
            ? w.slice(0, i) + c + w.slice(i)
            : kind === 2
              ? w.slice(0, i) + c + w.slice(i + 1)
              : w.slice(0, i) + (w[i + 1] ?? '') + w[i] + w.slice(i + 2);
    }
    return w;
  }).filter((w) => w.length >= 4);
  console.log(`dictionary: ${entries.length} words; ${typos.length} typos`);
  for (let round = 1; round <= 2; round++) {
    let before = heap();
    let t = performance.now();
    const ours = new SpellingDictionary(buildSpellingData(entries));
    const oursBuild = performance.now() - t;
    const oursMemory = heap() - before;
    before = heap();
    t = performance.now();
    const theirs = new SymSpell({ maxDistance: 2, verbosity: 1 });
    for (const e of entries) theirs.add(e.word);
    const theirsBuild = performance.now() - t;
    const theirsMemory = heap() - before;
    const lookups = (f: (w: string) => number) => {
      const started = performance.now();
      let found = 0;
      for (const w of typos) found += f(w) > 0 ? 1 : 0;
      return { us: ((performance.now() - started) * 1000) / typos.length, found };
    };
    const o = lookups((w) => ours.suggestions(w, 2).length);
    const m = lookups((w) => theirs.search(w).length);
    let same = 0;
    for (const w of typos) {
      const a = ours.suggestions(w, 2);
      const closest = new Set(a.filter((s) => s.distance === a[0].distance).map((s) => s.word));
      const b = new Set(theirs.search(w).map((s) => s.term));
      if (closest.size === b.size && [...closest].every((x) => b.has(x))) same++;
    }
    console.log(
      `round ${round}: ours      build ${oursBuild.toFixed(0)} ms, ${(oursMemory / 1048576).toFixed(1)} MB, ${o.us.toFixed(1)} µs a lookup, ${o.found} with a suggestion`,
    );
    console.log(
      `round ${round}: mnemonist build ${theirsBuild.toFixed(0)} ms, ${(theirsMemory / 1048576).toFixed(1)} MB, ${m.us.toFixed(1)} µs a lookup, ${m.found} with a suggestion; same closest words for ${same}`,
    );
  }
  console.log('reproduce: npm install --no-save mnemonist@0.40.8 && npm run bench -- spelling-libraries');
}
