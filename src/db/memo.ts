// Read models memoised per process, kept exactly as long as they are true. Every value is stored under the
// listings change counter (migration 16) as read before the value was computed, and served only while the counter
// still reads the same; triggers bump the counter in the same transaction as any change to what listings read, so a
// vote, comment, submission, import or moderation action in any process is seen by the next request here.
// Memoised values are shared by concurrent requests: callers must treat them as immutable.

/** How many values one version keeps at most (period listings, pages of them, trending, paper records). */
const MAX_ENTRIES = 5_000;

export class StoreMemo {
  private version: number | null = null;
  private readonly values = new Map<string, Promise<unknown>>();

  /** `readVersion` reads the counter: one single-row read, made once per `get`. */
  constructor(private readonly readVersion: () => Promise<number>) {}

  /** The value computed for `key` at the current version, computing it (once, however many ask at once) if needed. */
  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const version = await this.readVersion();
    if (version !== this.version) {
      // A reader that saw an older counter than one already seen computes for itself and keeps nothing.
      if (this.version !== null && version < this.version) return compute();
      this.values.clear();
      this.version = version;
    }
    const known = this.values.get(key);
    if (known) return known as Promise<T>;
    const computed = compute();
    this.values.set(key, computed);
    if (this.values.size > MAX_ENTRIES) this.values.delete(this.values.keys().next().value!);
    computed.catch(() => {
      if (this.values.get(key) === computed) this.values.delete(key);
    });
    return computed;
  }
}
