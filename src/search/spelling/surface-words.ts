// Counts how many papers use each surface word (as written, before stemming): what spelling suggestions are made
// of. The index's terms are stems ("generation" → gener), too far from a mistyped surface word ("generaton") to
// correct it, so the dictionary keeps the words themselves. Only plain lower-case ASCII words of 3–24 letters are
// counted (after the analyser's normalisation: accents off, lower case); parts of joined words count separately
// (self-supervised → self, supervised). The words arrive through the analyser's `onWord` while the lexical index
// is built, so nothing is tokenised twice.

const PLAIN_WORD = /^[a-z]{3,24}$/;
const JOINERS = /['’\-‐‑–]/;

/** Calls `use` with each countable part of one normalised word (a WORD_PATTERN match). */
function countableParts(word: string, use: (part: string) => void): void {
  if (PLAIN_WORD.test(word)) use(word);
  else if (JOINERS.test(word)) for (const part of word.split(JOINERS)) if (PLAIN_WORD.test(part)) use(part);
}

/** Papers per word over a whole build, streamed: a paper's words are counted as they come, none are kept. */
export class SurfaceWordCounter {
  private readonly ids = new Map<string, number>();
  private df = new Uint32Array(1 << 16);
  private lastDoc = new Int32Array(1 << 16).fill(-1);
  private doc = 0;

  /** Records one normalised word of the current paper. */
  readonly add = (word: string): void => countableParts(word, this.count);

  /** Moves on to the next paper. */
  nextPaper(): void {
    this.doc++;
  }

  private readonly count = (word: string): void => {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(word, id);
      if (id === this.df.length) {
        const df = new Uint32Array(id * 2);
        df.set(this.df);
        this.df = df;
        const last = new Int32Array(id * 2).fill(-1);
        last.set(this.lastDoc);
        this.lastDoc = last;
      }
    }
    if (this.lastDoc[id] !== this.doc) {
      this.lastDoc[id] = this.doc;
      this.df[id]++;
    }
  };

  /** Words used by at least `minDf` papers, with their counts. */
  *entries(minDf: number): Generator<{ word: string; df: number }> {
    for (const [word, id] of this.ids) if (this.df[id] >= minDf) yield { word, df: this.df[id] };
  }
}

/**
 * Each paper's distinct surface words, kept as word numbers, for a collection that changes paper by paper (the
 * delta: delta.ts), whose counts are made again over the papers live at the time.
 */
export class SurfaceWordSets {
  private readonly ids = new Map<string, number>();
  private readonly words: string[] = [];
  private readonly current = new Set<number>();

  /** Records one normalised word of the paper being read (see `take`). */
  readonly add = (word: string): void => countableParts(word, this.record);

  private readonly record = (word: string): void => {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
    }
    this.current.add(id);
  };

  /** The words recorded since the last call: one paper's set. */
  take(): Uint32Array {
    const set = Uint32Array.from(this.current);
    this.current.clear();
    return set;
  }

  get size(): number {
    return this.words.length;
  }

  word(id: number): string {
    return this.words[id];
  }
}
