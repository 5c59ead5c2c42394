// A list of strings packed for lookup both ways: all strings in one string with their end offsets, and an
// open-addressing hash table from string to its position. At 1M papers an array of strings and a Map took 135 MB
// of JS heap and two million objects for every full garbage collection to trace; this is about 25 MB in a handful
// of objects. Its three parts are flat (one string, two typed arrays), so a snapshot stores them as they are and
// loads them without rebuilding the table (see snapshot.ts).

export interface StringTableParts {
  text: string;
  /** String i is text[ends[i - 1] .. ends[i]). */
  ends: Uint32Array;
  /** Position + 1 at each slot, 0 for empty; size a power of two, at most half full. */
  table: Int32Array;
}

export class StringTable {
  constructor(
    private readonly text: string,
    private readonly ends: Uint32Array,
    private readonly table: Int32Array,
  ) {}

  static from<T extends StringTable>(this: new (text: string, ends: Uint32Array, table: Int32Array) => T, list: readonly string[]): T {
    const ends = new Uint32Array(list.length);
    let at = 0;
    list.forEach((s, i) => {
      ends[i] = at += s.length;
    });
    return indexed(this, list.join(''), ends);
  }

  /** From strings sent as one string and their lengths (the build worker's packing). */
  static fromPacked<T extends StringTable>(this: new (text: string, ends: Uint32Array, table: Int32Array) => T, text: string, lengths: Uint32Array): T {
    const ends = new Uint32Array(lengths.length);
    let at = 0;
    for (let i = 0; i < lengths.length; i++) ends[i] = at += lengths[i];
    return indexed(this, text, ends);
  }

  /** From stored parts, as they were: no per-string work. Throws when they do not fit together. */
  static fromParts<T extends StringTable>(this: new (text: string, ends: Uint32Array, table: Int32Array) => T, parts: StringTableParts): T {
    const { text, ends, table } = parts;
    const size = table.length;
    if ((ends.length && ends[ends.length - 1] !== text.length) || size < 16 || (size & (size - 1)) !== 0 || size < ends.length * 2) {
      throw new RangeError('string table parts do not fit together');
    }
    return new this(text, ends, table);
  }

  parts(): StringTableParts {
    return { text: this.text, ends: this.ends, table: this.table };
  }

  get count(): number {
    return this.ends.length;
  }

  /** Map-like size. */
  get size(): number {
    return this.ends.length;
  }

  /** String number `i`. */
  at(i: number): string {
    return this.text.slice(this.start(i), this.ends[i]);
  }

  /** The position of `s` (its first occurrence), or undefined. */
  get(s: string): number | undefined {
    const mask = this.table.length - 1;
    for (let slot = hash(s, 0, s.length) & mask; this.table[slot] !== 0; slot = (slot + 1) & mask) {
      const i = this.table[slot] - 1;
      if (this.equals(i, s, 0, s.length)) return i;
    }
    return undefined;
  }

  /** Where string `i` starts in the text. */
  private start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1];
  }

  /** Whether string `i` equals s[from .. to), compared in place. */
  private equals(i: number, s: string, from: number, to: number): boolean {
    const start = this.start(i);
    if (this.ends[i] - start !== to - from) return false;
    for (let j = 0; j < to - from; j++) if (this.text.charCodeAt(start + j) !== s.charCodeAt(from + j)) return false;
    return true;
  }

  /** Fills the hash table (a repeated string keeps its first position, as lookups find the first). */
  protected fill(): this {
    const mask = this.table.length - 1;
    for (let i = 0; i < this.ends.length; i++) {
      const start = this.start(i);
      let slot = hash(this.text, start, this.ends[i]) & mask;
      while (this.table[slot] !== 0 && !this.equals(this.table[slot] - 1, this.text, start, this.ends[i])) slot = (slot + 1) & mask;
      if (this.table[slot] === 0) this.table[slot] = i + 1;
    }
    return this;
  }
}

function indexed<T extends StringTable>(kind: new (text: string, ends: Uint32Array, table: Int32Array) => T, text: string, ends: Uint32Array): T {
  let size = 16;
  while (size < ends.length * 2) size *= 2;
  return (new kind(text, ends, new Int32Array(size)) as unknown as { fill(): T }).fill();
}

/** FNV-1a over the UTF-16 code units of s[from .. to). */
function hash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
