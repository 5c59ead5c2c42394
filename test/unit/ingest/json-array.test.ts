import { describe, expect, it } from 'vitest';
import { JsonArrayReader, type JsonArrayLimits } from '../../../src/ingest/formats/json-array.ts';
import { parseXmlDocument, MAX_ELEMENT_DEPTH } from '../../../src/ingest/formats/xml.ts';

const limits: JsonArrayLimits = { maxElements: 3, maxElementBytes: 100 };

/** The elements read and the reason the document was refused, if it was. */
function read(chunks: string[], l = limits): { elements: unknown[]; refused: string | null } {
  const reader = new JsonArrayReader(l);
  const elements: unknown[] = [];
  try {
    for (const c of chunks) elements.push(...reader.write(c));
    reader.end();
    return { elements, refused: null };
  } catch (e) {
    return { elements, refused: (e as Error).message };
  }
}

describe('JsonArrayReader', () => {
  it('reads elements split anywhere across chunks, as JSON.parse would', () => {
    const text = '\uFEFF[ {"a": [1, {"b": "x\\u00e9"}]}, "s", null ]';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(read([text.slice(0, cut), text.slice(cut)]).elements).toEqual([{ a: [1, { b: 'xé' }] }, 's', null]);
    }
  });

  it('keeps a "__proto__" key as data', () => {
    const [item] = read(['[{"__proto__": {"polluted": true}}]']).elements as Record<string, unknown>[];
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what is not one complete array, with the reason', () => {
    expect(read(['']).refused).toBe('invalid JSON: empty document');
    expect(read(['[{"paper"']).refused).toMatch(/^invalid JSON: /);
    expect(read(['[1,]']).refused).toMatch(/^invalid JSON: /);
    expect(read(['[1] [2]']).refused).toMatch(/^invalid JSON: /);
    expect(read(['"x"']).refused).toBe('expected a JSON array, got a string');
    expect(read(['{"error": {"code": 1}}']).refused).toBe('expected a JSON array, got an object (first key "error")');
    expect(read(['{"status": 1}'], { ...limits, objectRoot: (k) => `wrapper ${k}` }).refused).toBe('wrapper status');
  });

  it('stops at the element cap and keeps the elements before it', () => {
    expect(read(['[1,2,3,4,5]'])).toEqual({ elements: [1, 2, 3], refused: 'more than 3 records: the rest of the document was not read' });
  });

  it('refuses an element larger than the byte cap, also one split across chunks', () => {
    const big = `"${'x'.repeat(200)}"`;
    expect(read([`[1, ${big}]`]).refused).toBe('a record larger than 100 bytes');
    expect(read(['[1, "', 'x'.repeat(150), '"]']).refused).toBe('a record larger than 100 bytes');
    expect(read([`[${'['.repeat(60)}${']'.repeat(60)}]`]).refused).toBe('a record larger than 100 bytes');
    expect(read([`[${' '.repeat(80)}1]`]).refused).toBeNull();
  });

  it('reads nesting far deeper than any call stack without overflowing', () => {
    const deep = `[${'['.repeat(100_000)}${']'.repeat(100_000)}]`;
    expect(read([deep], { maxElements: 10, maxElementBytes: 1e6 }).refused).toBeNull();
  });
});

describe('parseXmlDocument', () => {
  it('refuses elements nested deeper than the bound, and reads a document at it', () => {
    const nested = (depth: number) => `<r>${'<a>'.repeat(depth - 1)}x${'</a>'.repeat(depth - 1)}</r>`;
    expect(() => parseXmlDocument(nested(MAX_ELEMENT_DEPTH))).not.toThrow();
    expect(() => parseXmlDocument(nested(MAX_ELEMENT_DEPTH + 1))).toThrow(`elements nested deeper than ${MAX_ELEMENT_DEPTH} levels`);
    expect(() => parseXmlDocument(nested(200_000))).toThrow(expect.objectContaining({ name: 'UnusableInputError' }));
  });
});
