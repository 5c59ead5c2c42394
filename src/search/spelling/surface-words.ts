// Counts, while the lexical index is built, how many papers use each surface word (as written, before stemming):
// what spelling suggestions are made of. The index's terms are stems ("generation" → gener), too far from a
// mistyped surface word ("generaton") to correct it, so the dictionary keeps the words themselves. Only plain
// lower-case ASCII words of 3–24 letters are counted (after the analyser's normalisation: accents off, lower case);
// parts of joined words count separately (self-supervised → self, supervised).

const PLAIN_WORD = /^[a-z]{3,24}$/;
const JOINERS = /['’\-‐‑–]/;

export class SurfaceWordCounter {
  private readonly ids = new Map<string, number>();
  private df = new Uint32Array(1 << 16);
  private lastDoc = new Int32Array(1 << 16).fill(-1);
  private doc = 0;

  /** Records one normalised word (a WORD_PATTERN match) of the current paper. */
  readonly add = (word: string): void => {
    if (PLAIN_WORD.test(word)) this.count(word);
    else if (JOINERS.test(word)) for (const part of word.split(JOINERS)) if (PLAIN_WORD.test(part)) this.count(part);
  };

  /** Moves on to the next paper. */
  nextPaper(): void {
    this.doc++;
  }

  private count(word: string): void {
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
  }

  /** Words used by at least `minDf` papers, with their counts. */
  *entries(minDf: number): Generator<{ word: string; df: number }> {
    for (const [word, id] of this.ids) if (this.df[id] >= minDf) yield { word, df: this.df[id] };
  }
}
