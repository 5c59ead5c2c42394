// Which papers each author name (as a unit) signs: the name keys of person-name.ts → document lists. Keys are kept
// as 52-bit hashes in one sorted array (8 bytes a key instead of a string and a Map entry), documents as plain
// ascending int32 lists: a few megabytes at the 74k real papers. Built alongside the lexical index from the same
// author lists; immutable, so a snapshot stores its three arrays as they are (snapshot.ts).
import { NumberIntMap } from '../lexical/number-map.ts';
import { GrowableInt32 } from '../lexical/growable.ts';
import { indexKeys, parsePersonName } from './person-name.ts';

export interface AuthorIndexData {
  /** Sorted key hashes; key k's documents are docs[offsets[k] .. offsets[k+1]), ascending. */
  keys: Float64Array;
  offsets: Uint32Array;
  docs: Int32Array;
}

/** A 52-bit hash of a key string (two FNV-1a variants), exact in a double. */
export function keyHash(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 2 ** 20 + ((b >>> 0) >>> 12);
}

/**
 * Collects every paper's author keys while an index is built (documents in ascending order). `build` leaves the
 * builder as it was, so the delta (delta.ts) adds papers one at a time and builds again after each change.
 */
export class AuthorIndexBuilder {
  private readonly ids = new NumberIntMap(1 << 16);
  private readonly hashes: number[] = [];
  private readonly pairKey = new GrowableInt32(1 << 16);
  private readonly pairDoc = new GrowableInt32(1 << 16);
  private readonly inDoc = new Set<number>();

  add(doc: number, authors: readonly string[]): void {
    this.inDoc.clear();
    for (const author of authors) {
      const name = parsePersonName(author);
      if (!name) continue;
      for (const key of indexKeys(name)) {
        const hash = keyHash(key);
        let id = this.ids.get(hash);
        if (id === undefined) {
          id = this.hashes.length;
          this.ids.set(hash, id);
          this.hashes.push(hash);
        }
        if (this.inDoc.has(id)) continue;
        this.inDoc.add(id);
        this.pairKey.push(id);
        this.pairDoc.push(doc);
      }
    }
  }

  /** The index over the documents added, leaving out `dead` ones (dead[d] = 1); a key no live paper has is dropped. */
  build(dead?: Uint8Array): AuthorIndexData {
    const live = (d: number) => !dead || !dead[d];
    const counts = new Int32Array(this.hashes.length);
    for (let i = 0; i < this.pairDoc.length; i++) if (live(this.pairDoc.data[i])) counts[this.pairKey.data[i]]++;
    const keys = Float64Array.from(this.hashes.filter((_, id) => counts[id] > 0)).sort();
    const offsets = new Uint32Array(keys.length + 1);
    const slotOf = new Int32Array(this.hashes.length);
    keys.forEach((hash, k) => {
      const id = this.ids.get(hash)!;
      slotOf[id] = k;
      offsets[k + 1] = offsets[k] + counts[id];
    });
    const docs = new Int32Array(offsets[keys.length]);
    const fill = offsets.slice(0, keys.length);
    // Pairs arrive in document order, so each key's list comes out ascending.
    for (let i = 0; i < this.pairDoc.length; i++) {
      const doc = this.pairDoc.data[i];
      if (live(doc)) docs[fill[slotOf[this.pairKey.data[i]]]++] = doc;
    }
    return { keys, offsets, docs };
  }
}

/** What name lookups need: the papers a name key signs (one index, or every segment's live papers: collection.ts). */
export interface NameLookup {
  docs(key: string): Int32Array;
}

export class AuthorIndex implements NameLookup {
  constructor(readonly data: AuthorIndexData) {}

  /** The papers signed under a key (empty when none). */
  docs(key: string): Int32Array {
    const { keys, offsets, docs } = this.data;
    const h = keyHash(key);
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return lo < keys.length && keys[lo] === h ? docs.subarray(offsets[lo], offsets[lo + 1]) : docs.subarray(0, 0);
  }

  byteLength(): number {
    return this.data.keys.byteLength + this.data.offsets.byteLength + this.data.docs.byteLength;
  }
}
