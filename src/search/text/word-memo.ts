// A memo of per-word results (a word's terms), bounded by its number of words and keeping the words in use. Words
// follow Zipf's law: a few thousand make up most of any text, and the rest (names, numbers, typos) come once. A
// memo that is emptied when it fills forgets the frequent words with the rest; one that grows to every word seen
// holds a whole corpus's vocabulary (about 90 MiB for the 80k real abstracts, growing with every new search result
// the server highlights: a slow climb in the soak's RSS). Here the words are kept in two generations: when the
// current one fills it becomes the previous one and the one before is dropped, and a word found only in the
// previous one moves back into the current one. A word used at least once per generation is never computed again,
// and the memo holds at most two generations.
export class WordMemo<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly generation: number) {}

  get(word: string): V | undefined {
    const value = this.current.get(word);
    if (value !== undefined) return value;
    const older = this.previous.get(word);
    if (older !== undefined) this.set(word, older);
    return older;
  }

  /** Keeps `value` for `word`; the caller passes a word that refers to no larger text (analyze.ts `detached`). */
  set(word: string, value: V): void {
    if (this.current.size >= this.generation) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(word, value);
  }

  /** How many words are kept (both generations; a word moved back may be counted twice). */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
