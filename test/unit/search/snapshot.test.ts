// The snapshot on disk: a loaded snapshot is the index that was saved (every array, the same rankings in every mode,
// the same author names and spelling corrections); a later generation carries segments over by hard link with new
// live masks, and a reader reuses the segments it has; a version-2 snapshot loads as one segment; and a snapshot
// that is corrupt, truncated, incomplete or of another format version is refused with the reason (the service then
// rebuilds it), never misread.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { engineCollection } from '../../../src/search/collection.ts';
import { DEFAULT_HYBRID, SearchEngine } from '../../../src/search/engine.ts';
import { planQuery, rankPlan } from '../../../src/search/pipeline.ts';
import { parseQuery } from '../../../src/search/query.ts';
import { QuantizedVectors } from '../../../src/search/semantic/quantized.ts';
import { HnswIndex } from '../../../src/search/semantic/vector-index.ts';
import {
  currentGeneration,
  indexDir,
  readSnapshot,
  SnapshotError,
  segmentOf,
  writeGeneration,
  writeSnapshot,
  type SnapshotContent,
} from '../../../src/search/snapshot.ts';
import { seededRandom } from '../../../src/domain/seeded-random.ts';
import { tempDir } from '../../helpers/db.ts';

const VOCAB = ['graph', 'neural', 'network', 'diffusion', 'model', 'language', 'vision', 'robot', 'policy', 'sparse', 'token', 'image', 'ζ-function', 'naïve'];
const rand = seededRandom(11);
const words = (n: number) => Array.from({ length: n }, () => VOCAB[Math.floor(rand() * VOCAB.length)]).join(' ');
const papers = Array.from({ length: 400 }, (_, i) => ({
  id: `2401.${String(i).padStart(5, '0')}`,
  title: words(4),
  abstract: words(30),
  authors: [['Ada Lovelace', 'Alan Turing', 'Grace Hopper'][i % 3], ...(i % 7 ? [] : ['Y. LeCun'])],
  categories: [['cs.LG', 'cs.CV', 'cs.CL'][i % 3]],
  day: `202${i % 5}-0${1 + (i % 9)}-15`,
}));
const DIMS = 6;
const floats = Float32Array.from({ length: papers.length * DIMS }, () => rand() * 2 - 1);
const QUERIES = ['graph neural', '"diffusion model" vision', 'token author:turing', 'sparse cat:cs.CV', 'year:2022-2023 policy', 'naïve ζ-function'];
/** Queries the pipeline reads for names and corrects. */
const UNDERSTOOD = ['Grace Hopper', 'yann lecun sparse', 'author:"Alan Turing" graph', 'nueral netwrok', 'difusion modle Ada Lovelace', 'grpah'];

function built(): { engine: SearchEngine; content: SnapshotContent } {
  const engine = SearchEngine.build(papers);
  engine.vectors = QuantizedVectors.from(floats, DIMS);
  const graph = HnswIndex.build(floats, DIMS);
  engine.vectorIndex = graph;
  const content: SnapshotContent = {
    ...segmentOf(
      engine,
      Float64Array.from(papers, (_, i) => 1.7e12 + i),
      Uint32Array.from(papers, (_, i) => i * 7),
    ),
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
    expect(loaded!.segments.length).toBe(1);
    const c = loaded!.segments[0].content;
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

  it('loads back the spelling dictionary and author names, which answer exactly as the in-memory build', async () => {
    const dir = tempDir();
    const { engine, content } = built();
    writeSnapshot(dir, content);
    const c = (await readSnapshot(dir))!.segments[0].content;
    expect(c.vocabulary).toEqual(engine.vocabulary);
    expect(engine.spelling.size).toBeGreaterThan(10);
    const again = new SearchEngine(c.lexical, c.docs, c.vectors, null, DEFAULT_HYBRID, c.vocabulary);
    const [built_, loaded] = [engineCollection(engine), engineCollection(again)];
    for (const q of UNDERSTOOD) {
      const [want, got] = [planQuery(built_, q), planQuery(loaded, q)];
      expect(got, q).toEqual(want);
      expect(rankPlan(loaded, got, 'lexical', 20, null), q).toEqual(rankPlan(built_, want, 'lexical', 20, null));
    }
    // The queries exercised both: corrections and names.
    expect(planQuery(loaded, 'nueral netwrok').correction?.corrected).toBe('neural network');
    expect(planQuery(loaded, 'yann lecun sparse').names[0].docs.length).toBe(papers.filter((p) => p.authors.includes('Y. LeCun')).length);
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

  it('carries segments over by link, with new live masks, and reuses the ones already loaded', async () => {
    const dir = tempDir();
    const { content } = built();
    const first = writeSnapshot(dir, content);
    const [base] = (await readSnapshot(dir))!.segments;
    const small = built().content;
    const live = new Uint8Array(papers.length).fill(1);
    live[3] = 0;
    const second = writeGeneration(dir, {
      papers: { count: 2 * papers.length - 1, highWater: '2026-02-01T00:00:00.000Z' },
      embedder: content.embedder,
      from: { generation: first, keep: [{ id: base.id, live }] },
      add: [{ content: small, live: null }],
      hiddenWords: [{ segment: base.id, doc: 3, words: ['graph'] }],
    });
    expect(currentGeneration(indexDir(dir))).toBe(second);
    const ino = (g: string, f: string) => fs.statSync(path.join(indexDir(dir), g, f)).ino;
    const baseFiles = fs.readdirSync(path.join(indexDir(dir), first)).filter((f) => f.startsWith(base.id));
    expect(baseFiles.length).toBeGreaterThan(10);
    for (const f of baseFiles) expect(ino(second, f), f).toBe(ino(first, f));
    // Given what is loaded, only the new segment and the live masks are read; from disk alone, everything is.
    const reused = (await readSnapshot(dir, second, new Map([[base.id, base.content]])))!;
    expect(reused.segments.map((s) => s.id)[0]).toBe(base.id);
    expect(reused.segments[0].content).toBe(base.content);
    expect(reused.segments[0].live).toEqual(live);
    expect(reused.segments[1].live).toBeNull();
    expect(reused.manifest.hiddenWords).toEqual([{ segment: base.id, doc: 3, words: ['graph'] }]);
    const cold = (await readSnapshot(dir, second))!;
    expect(cold.segments[0].content).not.toBe(base.content);
    expect(cold.segments[0].content.lexical.impacts).toEqual(base.content.lexical.impacts);
    expect(cold.segments[1].content.docs.ids.parts()).toEqual(small.docs.ids.parts());
    expect(cold.segments[1].content.annFile).not.toBeNull();
    // The first generation is still whole (the previous one is kept), and a third write removes it.
    expect((await readSnapshot(dir, first))!.segments[0].live).toBeNull();
    writeSnapshot(dir, content);
    expect(fs.existsSync(path.join(indexDir(dir), first))).toBe(false);
    expect((await readSnapshot(dir, second))!.segments[0].content.lexical.impacts).toEqual(base.content.lexical.impacts);
  });

  it('loads a snapshot of version 3 whose postings stop short of the packing fault', async () => {
    const dir = tempDir();
    const { engine, content } = built();
    const generation = writeSnapshot(dir, content);
    const manifestFile = path.join(indexDir(dir), generation, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifestFile, 'utf8')), version: 3 }));
    const c = (await readSnapshot(dir))!.segments[0].content;
    const again = new SearchEngine(c.lexical, c.docs, c.vectors, null);
    for (const q of QUERIES) expect(again.rank(parseQuery(q), 'lexical', 20, null), q).toEqual(engine.rank(parseQuery(q), 'lexical', 20, null));
  });

  it('loads a snapshot of version 2 (one segment, written before segments) as one segment', async () => {
    const dir = tempDir();
    const { engine, content } = built();
    const generation = writeSnapshot(dir, content);
    // Rewrite it as version 2 wrote it: the parts' entries in the manifest itself, files named without a segment,
    // and no segment statistics in the lexical values.
    const gdir = path.join(indexDir(dir), generation);
    const m = JSON.parse(fs.readFileSync(path.join(gdir, 'manifest.json'), 'utf8'));
    const [segment] = m.segments;
    for (const entry of Object.values(segment.sections) as { file: string }[]) {
      const old = entry.file.slice(segment.id.length + 1);
      fs.renameSync(path.join(gdir, entry.file), path.join(gdir, old));
      entry.file = old;
    }
    for (const key of ['indexedDocs', 'scoringDocs', 'scoringDf']) delete segment.values.lexical[key];
    const v2 = { ...m, version: 2, values: segment.values, sections: segment.sections };
    delete v2.segments;
    delete v2.hiddenWords;
    fs.writeFileSync(path.join(gdir, 'manifest.json'), JSON.stringify(v2));
    const loaded = (await readSnapshot(dir))!;
    expect(loaded.segments.map((s) => s.id)).toEqual([generation]);
    const c = loaded.segments[0].content;
    expect(c.lexical).toMatchObject({ indexedDocs: papers.length, scoringDocs: papers.length, scoringDf: null });
    const again = new SearchEngine(c.lexical, c.docs, c.vectors, null);
    for (const q of QUERIES) expect(again.rank(parseQuery(q), 'lexical', 20, null), q).toEqual(engine.rank(parseQuery(q), 'lexical', 20, null));
  });

  const damage: [string, (gen: string) => void, RegExp][] = [
    ['a flipped byte', (gen) => flip(gen, 'lexical.impacts.bin'), /lexical.impacts: checksum mismatch/],
    ['a truncated section', (gen) => truncate(gen, 'lexical.offsets.bin'), /lexical.offsets: .*has \d+ bytes, the manifest says \d+ \(truncated\?\)/],
    ['a missing section', (gen) => fs.rmSync(file(gen, 'docs.ids.table.bin')), /docs.ids.table: .* is missing/],
    ['a damaged graph', (gen) => flip(gen, 'ann.usearch'), /ann.graph: checksum mismatch/],
    ['another format version', (gen) => editManifest(gen, (m) => (m.version = 99)), /format version 99/],
    [
      'postings that version 3 packed past word 2^27 (where it wrote them over the first words)',
      (gen) =>
        editManifest(gen, (m) => {
          m.version = 3;
          m.segments[0].sections['lexical.packedGaps'].length = 2 ** 27 + 1;
        }),
      /format version 3 packed its 134217729 words of postings wrongly past word 2\^27/,
    ],
    ['a foreign manifest', (gen) => editManifest(gen, (m) => (m.format = 'something-else')), /not a search snapshot/],
    ['an unreadable manifest', (gen) => fs.writeFileSync(file(gen, 'manifest.json'), '{"format": "paperfe'), /manifest unreadable/],
    [
      'a wrong element type',
      (gen) => editManifest(gen, (m) => (m.segments[0].sections['lexical.offsets'].type = 'Float64Array')),
      /lexical.offsets: bad section entry/,
    ],
    ['ids that do not fit their table', (gen) => editManifest(gen, (m) => (m.segments[0].sections['docs.ids.text'].length -= 1)), /docs.ids.text/],
    ['a missing author-name section', (gen) => fs.rmSync(file(gen, 'vocabulary.authorNames.docs.bin')), /vocabulary.authorNames.docs: .* is missing/],
    ['a damaged spelling dictionary', (gen) => flip(gen, 'vocabulary.spelling.wordIds.bin'), /vocabulary.spelling.wordIds: checksum mismatch/],
    [
      'an author-name section left out of the manifest',
      (gen) => editManifest(gen, (m) => delete m.segments[0].sections['vocabulary.authorNames.offsets']),
      /authorNames.offsets missing/,
    ],
    [
      'a live mask that does not fit its segment',
      (gen) =>
        editManifest(gen, (m) => {
          const bytes = Buffer.alloc(5, 1);
          fs.writeFileSync(path.join(indexDir(root), gen, 'live.bin'), bytes);
          m.segments[0].live = { file: 'live.bin', type: 'Uint8Array', length: 5, bytes: 5, crc32: zlib.crc32(bytes) };
        }),
      /the live mask does not fit its 400 documents/,
    ],
    [
      'author-name arrays that do not fit together',
      (gen) => rewrite(gen, 'vocabulary.authorNames.docs', (b) => b.subarray(0, b.length - 4)),
      /author-name arrays do not fit together/,
    ],
  ];
  let root = '';
  /** A file of the generation: the manifest, or its one segment's file for a section (named after the segment). */
  const file = (gen: string, name: string) => {
    const dir = path.join(indexDir(root), gen);
    if (name === 'manifest.json') return path.join(dir, name);
    const found = fs.readdirSync(dir).find((f) => f.endsWith(`.${name}`));
    if (!found) throw new Error(`no ${name} in ${gen}`);
    return path.join(dir, found);
  };
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
  /** Replaces a section's bytes, manifest entry included (size and checksum agree): only its content is wrong. */
  const rewrite = (gen: string, section: string, change: (bytes: Buffer) => Buffer) => {
    const bytes = change(fs.readFileSync(file(gen, `${section}.bin`)));
    fs.writeFileSync(file(gen, `${section}.bin`), bytes);
    editManifest(gen, (m) => {
      const entry = m.segments[0].sections[section];
      entry.length = bytes.length / (entry.bytes / entry.length);
      entry.bytes = bytes.length;
      entry.crc32 = zlib.crc32(bytes);
    });
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
