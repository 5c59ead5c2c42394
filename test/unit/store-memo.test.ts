// The memo's contract without a database: a value is served only while the counter reads what it read before the
// value was computed, concurrent asks share one computation, and a caller never gets a counter read that started
// before it asked (the shared read is the next one, not the one in flight).
import { describe, expect, it } from 'vitest';
import { StoreMemo } from '../../src/db/memo.ts';

/** A counter whose reads the test answers one by one. */
function manualCounter() {
  let value = 0;
  const pending: { startedAt: number; resolve: () => void }[] = [];
  let reads = 0;
  return {
    bump: () => value++,
    reads: () => reads,
    read: () =>
      new Promise<number>((resolve) => {
        reads++;
        const startedAt = value;
        pending.push({ startedAt, resolve: () => resolve(startedAt) });
      }),
    /** Answers the oldest outstanding read with the counter as it was when the read started. */
    answer: async () => {
      pending.shift()!.resolve();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('StoreMemo', () => {
  it('computes once per counter value and again after it moves', async () => {
    let counter = 0;
    let computed = 0;
    const memo = new StoreMemo(async () => counter);
    const get = () => memo.get('k', async () => `v${counter} #${++computed}`);
    expect(await Promise.all([get(), get(), get()])).toEqual(['v0 #1', 'v0 #1', 'v0 #1']);
    counter++;
    expect(await get()).toBe('v1 #2');
    expect(await get()).toBe('v1 #2');
  });

  it('never answers a caller from a counter read that started before it asked', async () => {
    const counter = manualCounter();
    const memo = new StoreMemo(counter.read);
    let computedAt = -1;
    const first = memo.get('k', async () => 'old');
    // A change commits while the first read is in flight; a caller arriving now must not share that read.
    counter.bump();
    const second = memo.get('k', async () => {
      computedAt = 1;
      return 'new';
    });
    const third = memo.get('k', async () => 'newer');
    await counter.answer();
    expect(await first).toBe('old');
    expect(counter.reads()).toBe(2);
    await counter.answer();
    expect(await second).toBe('new');
    // The third caller arrived with the second and shares its read and its value.
    expect(await third).toBe('new');
    expect(computedAt).toBe(1);
  });

  it('computes every time and keeps nothing while the counter cannot vouch for a read (null)', async () => {
    let version: number | null = 0;
    let computed = 0;
    const memo = new StoreMemo(async () => version);
    const get = () => memo.get('k', async () => ++computed);
    expect(await get()).toBe(1);
    version = null;
    expect([await get(), await get()]).toEqual([2, 3]);
    // What was computed meanwhile was not kept: back at the same counter, the value from before is served.
    version = 0;
    expect(await get()).toBe(1);
  });

  it('forgets a failed computation', async () => {
    const memo = new StoreMemo(async () => 0);
    await expect(memo.get('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await memo.get('k', async () => 'ok')).toBe('ok');
  });

  it('reads the counter once per view (one request), and a later view sees a change the earlier one did not', async () => {
    let counter = 0;
    let reads = 0;
    const memo = new StoreMemo(async () => {
      reads++;
      return counter;
    });
    const request = memo.once();
    expect(await request.get('a', async () => `a${counter}`)).toBe('a0');
    counter++;
    // The same request goes on at the value it read first: one reading of the store.
    expect(await request.get('b', async () => `b${counter}`)).toBe('b1');
    expect(await request.version()).toBe(0);
    expect(reads).toBe(1);
    // A later view reads again and computes afresh at the new value.
    const next = memo.once();
    expect(await next.get('b', async () => `b${counter} again`)).toBe('b1 again');
    expect(await next.get('a', async () => `a${counter}`)).toBe('a1');
    expect(reads).toBe(2);
    // A view asked before any read shares nothing with a view made later.
    expect(await memo.get('a', async () => 'recomputed')).toBe('a1');
    expect(reads).toBe(3);
  });
});
