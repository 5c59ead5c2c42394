// A flushed delta is stored without an ANN graph (building one would stall the app thread); addGraphs gives it one
// later from its stored vectors, in a new generation where every other file is a link, and a reader that holds the
// segment already picks the graph up without reading the segment again.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addGraphs } from '../../../src/search/compact.ts';
import { SearchEngine } from '../../../src/search/engine.ts';
import { QuantizedVectors } from '../../../src/search/semantic/quantized.ts';
import { HnswIndex } from '../../../src/search/semantic/vector-index.ts';
import { indexDir, readSnapshot, segmentOf, writeGeneration, writeSnapshot } from '../../../src/search/snapshot.ts';
import { seededRandom } from '../../../src/domain/seeded-random.ts';
import { tempDir } from '../../helpers/db.ts';

const DIMS = 8;
const rand = seededRandom(5);

function segment(prefix: string, n: number) {
  const engine = SearchEngine.build(
    Array.from({ length: n }, (_, i) => ({
      id: `${prefix}${i}`,
      title: `paper ${i}`,
      abstract: 'words',
      authors: [],
      categories: ['cs.LG'],
      day: '2025-01-01',
    })),
  );
  const floats = Float32Array.from({ length: n * DIMS }, () => rand() * 2 - 1);
  engine.vectors = QuantizedVectors.from(floats, DIMS);
  return segmentOf(engine, new Float64Array(n), new Uint32Array(n));
}

describe('a stored segment gains its graph later', () => {
  it('is written into a new generation, the rest linked, and picked up by a reader that holds the segment', async () => {
    const dir = tempDir();
    const first = writeSnapshot(dir, { ...segment('b', 300), papers: { count: 300, highWater: null }, embedder: { id: 'e', dimensions: DIMS } });
    const base = (await readSnapshot(dir))!.segments[0];
    const live = new Uint8Array(300).fill(1);
    live[7] = 0;
    const flushed = writeGeneration(dir, {
      papers: { count: 499, highWater: null },
      embedder: { id: 'e', dimensions: DIMS },
      from: { generation: first, keep: [{ id: base.id, live }] },
      add: [{ content: segment('d', 200), level: 0 }],
    });
    const before = (await readSnapshot(dir, flushed))!;
    const delta = before.segments[1];
    expect(delta.content.annFile).toBeNull();
    const logs: string[] = [];
    const withGraph = await addGraphs({ dataDir: dir, generation: flushed, segments: [delta.id], log: (m) => logs.push(m) });
    expect(logs.join('\n')).toMatch(/ANN graph built for 1 segment/);
    const gdir = (g: string) => path.join(indexDir(dir), g);
    for (const f of fs.readdirSync(gdir(flushed)).filter((f) => f.endsWith('.bin') && !f.startsWith('live.'))) {
      expect(fs.statSync(path.join(gdir(withGraph), f)).ino, f).toBe(fs.statSync(path.join(gdir(flushed), f)).ino);
    }
    // A reader holding both segments reads only the graph (and the live masks), which finds the vectors' neighbours.
    const loaded = new Map([
      [base.id, base.content],
      [delta.id, delta.content],
    ]);
    const after = (await readSnapshot(dir, withGraph, loaded))!;
    expect(after.segments[0].content).toBe(base.content);
    expect(after.segments[0].live).toEqual(live);
    expect(after.segments[1].content.lexical).toBe(delta.content.lexical);
    const graph = HnswIndex.view(after.segments[1].content.annFile!, DIMS, 200)!;
    const vectors = delta.content.vectors!;
    let found = 0;
    for (let d = 0; d < 50; d++) if (graph.search(vectors.vector(d), 1)[0] === d) found++;
    expect(found).toBeGreaterThanOrEqual(48);
    // The base kept no graph it never had; the flushed segment's graph is a file of this generation only.
    expect(after.segments[0].content.annFile).toBeNull();
    expect(fs.existsSync(path.join(gdir(flushed), `${delta.id}.ann.usearch`))).toBe(false);
  });
});
