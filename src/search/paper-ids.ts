// The paper ids of one search snapshot, packed: all ids in one string with their end offsets, and an
// open-addressing hash table from id to document number. At 1M papers an array of strings and a Map took 135 MB
// of JS heap and two million objects for every full garbage collection to trace; this is about 25 MB in a handful
// of objects.

export class PaperIds {
  private constructor(
    private readonly text: string,
    /** Id d is text[ends[d - 1] .. ends[d]). */
    private readonly ends: Uint32Array,
    /** Document number + 1 at each slot, 0 for empty; size a power of two, at most half full. */
    private readonly table: Int32Array,
  ) {}

  static from(ids: readonly string[]): PaperIds {
    const ends = new Uint32Array(ids.length);
    let at = 0;
    ids.forEach((id, d) => (ends[d] = at += id.length));
    return PaperIds.index(ids.join(''), ends);
  }

  /** From ids sent as one string and their lengths (the build worker's packing). */
  static fromPacked(text: string, lengths: Uint32Array): PaperIds {
    const ends = new Uint32Array(lengths.length);
    let at = 0;
    for (let d = 0; d < lengths.length; d++) ends[d] = at += lengths[d];
    return PaperIds.index(text, ends);
  }

  private static index(text: string, ends: Uint32Array): PaperIds {
    let size = 16;
    while (size < ends.length * 2) size *= 2;
    const ids = new PaperIds(text, ends, new Int32Array(size));
    for (let d = 0; d < ends.length; d++) {
      let slot = ids.hash(text, ids.start(d), ends[d]);
      // A repeated id keeps its first document, as lookups find the first.
      while (ids.table[slot] !== 0 && !ids.equals(ids.table[slot] - 1, text, ids.start(d), ends[d])) slot = (slot + 1) & (size - 1);
      if (ids.table[slot] === 0) ids.table[slot] = d + 1;
    }
    return ids;
  }

  get count(): number {
    return this.ends.length;
  }

  /** The id of document `doc`. */
  id(doc: number): string {
    return this.text.slice(this.start(doc), this.ends[doc]);
  }

  /** The document number of `id`, or undefined. */
  doc(id: string): number | undefined {
    const mask = this.table.length - 1;
    for (let slot = this.hash(id, 0, id.length); this.table[slot] !== 0; slot = (slot + 1) & mask) {
      const doc = this.table[slot] - 1;
      if (this.equals(doc, id, 0, id.length)) return doc;
    }
    return undefined;
  }

  /** Where document `doc`'s id starts in the text. */
  private start(doc: number): number {
    return doc === 0 ? 0 : this.ends[doc - 1];
  }

  /** FNV-1a over the UTF-16 code units of s[from .. to), reduced to a slot. */
  private hash(s: string, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return (h >>> 0) & (this.table.length - 1);
  }

  /** Whether document `doc`'s id equals s[from .. to), compared in place. */
  private equals(doc: number, s: string, from: number, to: number): boolean {
    const start = this.start(doc);
    if (this.ends[doc] - start !== to - from) return false;
    for (let i = 0; i < to - from; i++) if (this.text.charCodeAt(start + i) !== s.charCodeAt(from + i)) return false;
    return true;
  }
}
