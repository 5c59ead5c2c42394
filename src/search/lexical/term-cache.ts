// Values derived from an index's posting lists on first use (tiers.ts, dense.ts), kept per index within a bound on
// their total weight; the oldest are dropped first. Keyed weakly by the index, so a replaced index takes its values
// with it.
import type { LexicalIndex } from './index.ts';

export class TermCache<T> {
  private readonly caches = new WeakMap<LexicalIndex, { values: Map<number, T>; weight: number }>();

  constructor(
    private readonly maxWeight: number,
    private readonly weigh: (value: T) => number,
  ) {}

  /** The value for `term` of `index`, made now (by `make`) or taken from the cache. */
  get(index: LexicalIndex, term: number, make: () => T): T {
    let cache = this.caches.get(index);
    if (!cache) this.caches.set(index, (cache = { values: new Map(), weight: 0 }));
    const cached = cache.values.get(term);
    if (cached !== undefined) return cached;
    const value = make();
    cache.values.set(term, value);
    cache.weight += this.weigh(value);
    for (const [t, old] of cache.values) {
      if (cache.weight <= this.maxWeight || t === term) break;
      cache.values.delete(t);
      cache.weight -= this.weigh(old);
    }
    return value;
  }
}
