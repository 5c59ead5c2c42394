// The snapshot on disk: a loaded snapshot is the index that was saved (every array, and the same rankings in every
// mode), and a snapshot that is corrupt, truncated, incomplete or of another format version is refused with the
// reason (the service then rebuilds it), never misread.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SearchEngine } from '../../../src/search/engine.ts';
import { parseQuery } from '../../../src/search/query.ts';
import { QuantizedVectors } from '../../../src/search/semantic/quantized.ts';
import { HnswIndex } from '../../../src/search/semantic/vector-index.ts';
import { currentGeneration, indexDir, readSnapshot, SnapshotError, writeSnapshot, type SnapshotContent } from '../../../src/search/snapshot.ts';
import { seededRandom } from '../../../src/domain/seeded-random.ts';
import { tempDir } from '../../helpers/db.ts';

const VOCAB = ['graph', 'neural', 'network', 'diffusion', 'model', 'language', 'vision', 'robot', 'policy', 'sparse', 'token', 'image', 'ζ-function', 'naïve'];
const rand = seededRandom(11);
const words = (n: number) => Array.from({ length: n }, () => VOCAB[Math.floor(rand() * VOCAB.length)]).join(' ');
const papers = Array.from({ length: 400 }, (_, i) => ({
  id: `2401.${String(i).padStart(5, '0')}`,
  title: words(4),
  abstract: words(30),
  authors: [['Ada Lovelace', 'Alan Turing', 'Grace Hopper'][i % 3]],
  categories: [['cs.LG', 'cs.CV', 'cs.CL'][i % 3]],
  day: `202${i % 5}-0${1 + (i % 9)}-15`,
}));
const DIMS = 6;
const floats = Float32Array.from({ length: papers.length * DIMS }, () => rand() * 2 - 1);
const QUERIES = ['graph neural', '"diffusion model" vision', 'token author:turing', 'sparse cat:cs.CV', 'year:2022-2023 policy', 'naïve ζ-function'];

function built(): { engine: SearchEngine; content: SnapshotContent } {
  const engine = SearchEngine.build(papers);
  engine.vectors = QuantizedVectors.from(floats, DIMS);
  const graph = HnswIndex.build(floats, DIMS);
  engine.vectorIndex = graph;
  const content: SnapshotContent = {
    lexical: engine.lexical,
    docs: { ids: engine.ids, days: engine.days, years: engine.years, modified: Float64Array.from(papers, (_, i) => 1.7e12 + i), hashes: Uint32Array.from(papers, (_, i) => i * 7) },
    vectors: engine.vectors,
    ann: graph,
    annFile: null,
    papers: { count: papers.length, highWater: '2026-01-01T00:00:00.000Z' },
    embedder: { id: 'test-embedder', dimensions: DIMS },
  };
  return { engine, content };
}

describe('search snapshot', () => {
  it('loads back the index it saved, which ranks exactly as the in-memory build', async () => {
    const dir = tempDir();
    const { engine, content } = built();
    const generation = writeSnapshot(dir, content);
    expect(currentGeneration(indexDir(dir))).toBe(generation);
    const loaded = await readSnapshot(dir);
    expect(loaded!.manifest.papers).toEqual(content.papers);
    const c = loaded!.content;
    for (const [key, value] of Object.entries(engine.lexical)) {
      if (key === 'termIds') expect(c.lexical.termIds.parts()).toEqual(value.parts());
      else expect((c.lexical as unknown as Record<string, unknown>)[key], key).toEqual(value);
    }
    expect(c.docs.ids.parts()).toEqual(engine.ids.parts());
    expect(c.docs.modified).toEqual(content.docs.modified);
    expect(c.docs.hashes).toEqual(content.docs.hashes);
    expect(c.vectors!.parts()).toEqual(engine.vectors!.parts());
    const graph = HnswIndex.view(c.annFile!, DIMS, papers.length)!;
    expect(graph.search(floats.subarray(0, DIMS), 5)).toEqual((engine.vectorIndex as HnswIndex).search(floats.subarray(0, DIMS), 5));
    const again = new SearchEngine(c.lexical, c.docs, c.vectors, graph);
    for (const q of QUERIES) {
      for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
        const v = floats.slice(DIMS, 2 * DIMS);
        expect(again.rank(parseQuery(q), mode, 20, v), `${mode} ${q}`).toEqual(engine.rank(parseQuery(q), mode, 20, v));
      }
    }
    expect(again.similar(papers[3].id, 5)).toEqual(engine.similar(papers[3].id, 5));
  });

  it('replaces the current generation atomically and keeps only the previous one', () => {
    const dir = tempDir();
    const { content } = built();
    const first = writeSnapshot(dir, content);
    const second = writeSnapshot(dir, content);
    const third = writeSnapshot(dir, content);
    expect(currentGeneration(indexDir(dir))).toBe(third);
    const left = fs.readdirSync(indexDir(dir)).filter((e) => e.startsWith('g'));
    expect(left.sort()).toEqual([second, third].sort());
    expect(left).not.toContain(first);
  });

  const damage: [string, (gen: string) => void, RegExp][] = [
    ['a flipped byte', (gen) => flip(gen, 'lexical.impacts.bin'), /lexical.impacts: checksum mismatch/],
    ['a truncated section', (gen) => truncate(gen, 'lexical.offsets.bin'), /lexical.offsets: .*has \d+ bytes, the manifest says \d+ \(truncated\?\)/],
    ['a missing section', (gen) => fs.rmSync(file(gen, 'docs.ids.table.bin')), /docs.ids.table: .* is missing/],
    ['a damaged graph', (gen) => flip(gen, 'ann.usearch'), /ann.graph: checksum mismatch/],
    ['another format version', (gen) => editManifest(gen, (m) => (m.version = 99)), /format version 99/],
    ['a foreign manifest', (gen) => editManifest(gen, (m) => (m.format = 'something-else')), /not a search snapshot/],
    ['an unreadable manifest', (gen) => fs.writeFileSync(file(gen, 'manifest.json'), '{"format": "paperfe'), /manifest unreadable/],
    ['a wrong element type', (gen) => editManifest(gen, (m) => (m.sections['lexical.offsets'].type = 'Float64Array')), /lexical.offsets: bad section entry/],
    ['ids that do not fit their table', (gen) => editManifest(gen, (m) => (m.sections['docs.ids.text'].length -= 1)), /docs.ids.text/],
  ];
  let root = '';
  const file = (gen: string, name: string) => path.join(indexDir(root), gen, name);
  const flip = (gen: string, name: string) => {
    const bytes = fs.readFileSync(file(gen, name));
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(file(gen, name), bytes);
  };
  const truncate = (gen: string, name: string) => fs.truncateSync(file(gen, name), fs.statSync(file(gen, name)).size - 4);
  const editManifest = (gen: string, edit: (m: any) => void) => {
    const m = JSON.parse(fs.readFileSync(file(gen, 'manifest.json'), 'utf8'));
    edit(m);
    fs.writeFileSync(file(gen, 'manifest.json'), JSON.stringify(m));
  };

  for (const [what, harm, reason] of damage) {
    it(`refuses ${what} with the reason`, async () => {
      root = tempDir();
      const generation = writeSnapshot(root, built().content);
      harm(generation);
      const error = await readSnapshot(root).catch((e) => e);
      expect(error).toBeInstanceOf(SnapshotError);
      expect(error.message).toMatch(reason);
    });
  }

  it('has nothing to load without a CURRENT naming a generation', async () => {
    const dir = tempDir();
    expect(await readSnapshot(dir)).toBeNull();
    fs.mkdirSync(indexDir(dir), { recursive: true });
    fs.writeFileSync(path.join(indexDir(dir), 'CURRENT'), 'not json');
    expect(await readSnapshot(dir)).toBeNull();
  });
});
