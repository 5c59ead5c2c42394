// int8 paper vectors must give cosines within a few thousandths of float32 ones, keep the nearest-neighbour
// order of well-separated vectors, and cope with zero vectors.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/domain/seeded-random.ts';
import { dot, normalizeInPlace } from '../../../src/search/semantic/embedder.ts';
import { QuantizedVectors } from '../../../src/search/semantic/quantized.ts';

function randomUnitVectors(count: number, dims: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(count * dims);
  for (let v = 0; v < count; v++) {
    const row = out.subarray(v * dims, (v + 1) * dims);
    for (let i = 0; i < dims; i++) row[i] = rand() * 2 - 1;
    normalizeInPlace(row);
  }
  return out;
}

describe('QuantizedVectors', () => {
  it('matches float32 dot products within 0.01', () => {
    const dims = 160;
    const vectors = randomUnitVectors(200, dims, 1);
    const queries = randomUnitVectors(20, dims, 2);
    const q = QuantizedVectors.from(vectors, dims);
    expect(q.count).toBe(200);
    expect(q.byteLength).toBe(200 * dims + 200 * 4);
    let worst = 0;
    for (let j = 0; j < 20; j++) {
      const query = queries.subarray(j * dims, (j + 1) * dims);
      for (let v = 0; v < 200; v++) worst = Math.max(worst, Math.abs(q.dot(query, v) - dot(query, vectors, v * dims)));
    }
    expect(worst).toBeLessThan(0.01);
    expect(worst).toBeGreaterThan(0); // it does quantise
  });

  it('decodes a vector close to the original and keeps a zero vector zero', () => {
    const dims = 8;
    const vectors = new Float32Array(2 * dims);
    vectors.set(normalizeInPlace(Float32Array.from([0.5, -0.25, 0.1, 0, 0, 0.3, -0.7, 0.05])), 0);
    const q = QuantizedVectors.from(vectors, dims);
    const back = q.vector(0);
    for (let i = 0; i < dims; i++) expect(back[i]).toBeCloseTo(vectors[i], 2);
    expect([...q.vector(1)]).toEqual(new Array(dims).fill(0));
    expect(q.dot(back, 1)).toBe(0);
  });
});
