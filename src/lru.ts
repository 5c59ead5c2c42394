// A least-recently-used cache, bounded by its number of entries and, when values have a size, by their total size.
// One shape for every in-process cache of derived bytes (rendered share images, compressed response bodies), so
// each is bounded the same way.

export interface LruLimits<V> {
  maxEntries: number;
  /** The most the values may add up to, as measured by sizeOf; a value larger than this alone is not kept. */
  maxSize?: number;
  sizeOf?: (value: V) => number;
  /** How long a value is served after it was set; an older one is dropped when read. */
  maxAgeMs?: number;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  /** When each value was set, kept only when values expire. */
  private readonly setAt = new Map<K, number>();
  /**
   * The size each value was counted at, kept only when values have one: a value that has grown since (a page
   * template that rendered more variants) is counted again by setting it again, and leaves with what it added.
   */
  private readonly sizes = new Map<K, number>();
  private size = 0;

  constructor(private readonly limits: LruLimits<V>) {}

  /** The value kept for `key`, which becomes the most recently used; undefined once it is older than maxAgeMs. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && this.limits.maxAgeMs !== undefined && Date.now() - this.setAt.get(key)! >= this.limits.maxAgeMs) {
      this.delete(key);
      return undefined;
    }
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    const valueSize = this.limits.sizeOf?.(value) ?? 0;
    this.delete(key);
    if (valueSize > (this.limits.maxSize ?? Number.POSITIVE_INFINITY)) return;
    this.entries.set(key, value);
    if (this.limits.maxAgeMs !== undefined) this.setAt.set(key, Date.now());
    if (this.limits.sizeOf) this.sizes.set(key, valueSize);
    this.size += valueSize;
    // Map iterates in insertion order, and get() re-inserts, so the first key is the least recently used.
    while (this.entries.size > this.limits.maxEntries || this.size > (this.limits.maxSize ?? Number.POSITIVE_INFINITY)) {
      this.delete(this.entries.keys().next().value as K);
    }
  }

  /** How many values are kept, and their total size. */
  stats(): { entries: number; size: number } {
    return { entries: this.entries.size, size: this.size };
  }

  delete(key: K): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.setAt.delete(key);
    this.size -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
  }
}
