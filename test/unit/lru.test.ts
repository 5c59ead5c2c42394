import { afterEach, describe, expect, it, vi } from 'vitest';
import { LruCache } from '../../src/lru.ts';

describe('LruCache', () => {
  it('evicts the least recently used entry past its entry count; a read makes an entry recent', () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('keeps the total size within its bound, counts a replaced value once, and refuses a value larger than the bound', () => {
    const cache = new LruCache<string, string>({ maxEntries: 100, maxSize: 10, sizeOf: (v) => v.length });
    cache.set('a', 'xxxx');
    cache.set('b', 'yyyy');
    cache.set('a', 'zzzz');
    expect(cache.stats()).toEqual({ entries: 2, size: 8 });
    cache.set('c', 'wwww');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 2, size: 8 });
    cache.set('big', 'x'.repeat(11));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 2, size: 8 });
  });

  it('counts a value that grew once it is set again, and frees what it was counted at when it leaves', () => {
    const cache = new LruCache<string, { bytes: number }>({ maxEntries: 100, maxSize: 12, sizeOf: (v) => v.bytes });
    const growing = { bytes: 2 };
    cache.set('a', growing);
    cache.set('b', { bytes: 2 });
    growing.bytes = 6;
    // Not yet set again: still counted at 2.
    expect(cache.stats()).toEqual({ entries: 2, size: 4 });
    cache.set('a', growing);
    expect(cache.stats()).toEqual({ entries: 2, size: 8 });
    growing.bytes = 9;
    expect(cache.get('b')).toEqual({ bytes: 2 });
    // Evicted as the least recently used: it takes away the 6 it was counted at, not its 9 of now.
    cache.set('c', { bytes: 5 });
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 2, size: 7 });
  });

  afterEach(() => vi.useRealTimers());

  it('stops serving a value maxAgeMs after it was set, however often it was read, and frees its room', () => {
    vi.useFakeTimers({ now: 0 });
    const cache = new LruCache<string, string>({ maxEntries: 10, maxSize: 100, sizeOf: (v) => v.length, maxAgeMs: 60_000 });
    cache.set('a', 'xxxx');
    vi.setSystemTime(30_000);
    cache.set('b', 'yyyy');
    vi.setSystemTime(59_999);
    expect(cache.get('a')).toBe('xxxx');
    vi.setSystemTime(60_000);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe('yyyy');
    expect(cache.stats()).toEqual({ entries: 1, size: 4 });
    // Setting again starts the clock again.
    cache.set('b', 'zzzz');
    vi.setSystemTime(119_999);
    expect(cache.get('b')).toBe('zzzz');
  });
});
