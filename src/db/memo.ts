// Read models memoised per process, kept exactly as long as they are true. Every value is stored under the
// listings change counter (migration 16) as read before the value was computed, and served only while the counter
// still reads the same; triggers bump the counter in the same transaction as any change to what listings read, so a
// vote, comment, submission, import or moderation action in any process is seen by the next request here.
// Memoised values are shared by concurrent requests: callers must treat them as immutable.

/** How many values one version keeps at most (period listings, pages of them, trending, paper records). */
const MAX_ENTRIES = 5_000;

/** Values computed for a key, reused while the store has not changed. */
export interface Memo {
  /** The value for `key` at the current version; `keep` may refuse to keep one (an unknown session token). */
  get<T>(key: string, compute: () => Promise<T>, keep?: (value: T) => boolean): Promise<T>;
  /**
   * The listings change counter as read now, for callers that keep their own values under it (page templates);
   * null when nothing read now may be kept.
   */
  version(): Promise<number | null>;
  /**
   * A view for one request's reads: it reads the counter once, at its first use, and answers every later `get` and
   * `version` from that read, so the request sees the store as of one moment after it arrived and pays for one
   * counter read instead of one per memoised value (each a round trip on PostgreSQL). For reads only: a write made
   * meanwhile is not seen through the view.
   */
  once(): Memo;
}

/** Computes every time: for reads inside a transaction, whose view of the store nobody else shares. */
export const unmemoised: Memo = { get: (_key, compute) => compute(), version: async () => null, once: () => unmemoised };

export class StoreMemo implements Memo {
  private keptVersion: number | null = null;
  private readonly values = new Map<string, Promise<unknown>>();
  private reading: Promise<number | null> | null = null;
  private nextRead: Promise<number | null> | null = null;

  /**
   * `readVersion` reads the counter: one single-row read, or null when the counter cannot vouch for what a
   * computation would read (a transaction open on the connection, whose writes may yet roll back).
   */
  constructor(private readonly readVersion: () => Promise<number | null>) {}

  /** The value computed for `key` at the current version, computing it (once, however many ask at once) if needed. */
  async get<T>(key: string, compute: () => Promise<T>, keep?: (value: T) => boolean): Promise<T> {
    return this.getAt(await this.currentVersion(), key, compute, keep);
  }

  version(): Promise<number | null> {
    return this.currentVersion();
  }

  once(): Memo {
    let read: Promise<number | null> | null = null;
    const version = () => (read ??= this.currentVersion());
    const view: Memo = {
      get: async (key, compute, keep) => this.getAt(await version(), key, compute, keep),
      version,
      once: () => view,
    };
    return view;
  }

  /** The value for `key` at a counter value read for this caller. */
  private getAt<T>(version: number | null, key: string, compute: () => Promise<T>, keep?: (value: T) => boolean): Promise<T> {
    if (version === null) return compute();
    if (version !== this.keptVersion) {
      // A reader that saw an older counter than one already seen computes for itself and keeps nothing.
      if (this.keptVersion !== null && version < this.keptVersion) return compute();
      this.values.clear();
      this.keptVersion = version;
    }
    const known = this.values.get(key);
    if (known) return known as Promise<T>;
    const computed = compute();
    this.values.set(key, computed);
    if (this.values.size > MAX_ENTRIES) this.values.delete(this.values.keys().next().value!);
    const forget = () => {
      if (this.values.get(key) === computed) this.values.delete(key);
    };
    computed.then((value) => keep && !keep(value) && forget(), forget);
    return computed;
  }

  /**
   * The counter as read by a query that started after this call. Callers arriving while a read is in flight share
   * the next one, which starts when it ends: on PostgreSQL a busy server makes at most one round trip at a time for
   * this, however many requests arrive, and none is answered from a read older than itself.
   */
  private currentVersion(): Promise<number | null> {
    if (!this.reading) return this.startRead();
    this.nextRead ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.nextRead = null;
        return this.startRead();
      });
    return this.nextRead;
  }

  private startRead(): Promise<number | null> {
    const read = this.readVersion();
    this.reading = read;
    const done = () => {
      if (this.reading === read) this.reading = null;
    };
    read.then(done, done);
    return read;
  }
}
