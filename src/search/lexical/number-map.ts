// An open-addressing hash map from non-negative integer keys (< 2^53) to int32 values, in typed arrays:
// about 12 bytes a slot instead of a JS Map's ~50 bytes an entry, and no 2^24-entry limit. Used for the
// tens of millions of word-pair (bigram) terms of a large corpus.
export class NumberIntMap {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    let c = 16;
    while (c < capacity * 2) c <<= 1;
    this.keys = new Float64Array(c).fill(-1);
    this.values = new Int32Array(c);
    this.mask = c - 1;
  }

  private slot(key: number): number {
    // Mix the high and low 32 bits; multiplicative hashing spreads sequential keys.
    const h = Math.imul((key % 4294967296) ^ Math.floor(key / 4294967296), 0x9e3779b1) >>> 0;
    let i = h & this.mask;
    while (this.keys[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  get(key: number): number | undefined {
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }

  set(key: number, value: number): void {
    let i = this.slot(key);
    if (this.keys[i] !== key) {
      if ((this.size + 1) * 10 > this.keys.length * 6) {
        this.grow();
        i = this.slot(key);
      }
      this.keys[i] = key;
      this.size++;
    }
    this.values[i] = value;
  }

  forEach(fn: (value: number, key: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== -1) fn(this.values[i], this.keys[i]);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2).fill(-1);
    this.values = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] === -1) continue;
      const j = this.slot(oldKeys[i]);
      this.keys[j] = oldKeys[i];
      this.values[j] = oldValues[i];
    }
  }
}
