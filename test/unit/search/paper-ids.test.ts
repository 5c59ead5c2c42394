// Packed paper ids must behave like the array and Map they replace: every id found at its first document, every
// other string unknown, on random id sets (repeats, shared prefixes, non-ASCII, the empty id).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PaperIds } from '../../../src/search/paper-ids.ts';

const id = fc.oneof(fc.stringMatching(/^\d{4}\.\d{4,5}$/), fc.string({ maxLength: 6 }), fc.constantFrom('2401.00001', 'ß', '論文', ''));

describe('PaperIds', () => {
  it('maps documents to ids and ids to their first document', () => {
    fc.assert(
      fc.property(fc.array(id, { maxLength: 300 }), fc.array(id, { maxLength: 20 }), (list, probes) => {
        const ids = PaperIds.from(list);
        expect(ids.count).toBe(list.length);
        list.forEach((s, d) => {
          expect(ids.id(d)).toBe(s);
        });
        for (const s of [...list, ...probes]) expect(ids.doc(s)).toBe(list.includes(s) ? list.indexOf(s) : undefined);
        expect(
          PaperIds.fromPacked(
            list.join(''),
            Uint32Array.from(list, (s) => s.length),
          ),
        ).toEqual(ids);
      }),
      { numRuns: 300 },
    );
  });

  it('finds every id among a hundred thousand', () => {
    const list = Array.from({ length: 100_000 }, (_, i) => `2401.${String(i).padStart(5, '0')}`);
    const ids = PaperIds.from(list);
    for (let d = 0; d < list.length; d += 997) expect(ids.doc(list[d])).toBe(d);
    expect(ids.doc('2401.100000')).toBeUndefined();
  });
});
