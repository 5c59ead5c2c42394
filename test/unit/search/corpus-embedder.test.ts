// The corpus embedder: contrastive training must pull a title towards its own abstract (and do better than the
// plain LSA vectors it starts from), be deterministic, and saved models of another format must be ignored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/domain/seeded-random.ts';
import { loadCorpusModel, saveCorpusModel } from '../../../src/search/store.ts';
import { CorpusEmbedder, finishModel, splitPaperText, trainCorpusModel } from '../../../src/search/semantic/corpus-embedder.ts';
import { nearestWords } from '../../../src/search/semantic/word-neighbours.ts';
import { trainContrastive, type SparseText } from '../../../src/search/semantic/contrastive.ts';
import { dot, paperText } from '../../../src/search/semantic/embedder.ts';

/** Made-up words (letters only, so the analyzer keeps them whole). */
function wordList(count: number, seed: number): string[] {
  const rand = seededRandom(seed);
  const words = new Set<string>();
  while (words.size < count) words.add(Array.from({ length: 7 }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join(''));
  return [...words];
}

/**
 * Papers on 12 topics. A title names the paper's two own subject words and one topic word; the abstract uses
 * the same subject words among several topic words and filler. Only the subject words tell papers of one topic apart.
 */
function corpus(papers: number): { title: string; abstract: string }[] {
  const words = wordList(12 * 15 + papers * 2 + 200, 5);
  const rand = seededRandom(9);
  const pick = (from: string[]) => from[Math.floor(rand() * from.length)];
  const filler = words.slice(12 * 15, 12 * 15 + 200);
  return Array.from({ length: papers }, (_, i) => {
    const topic = words.slice((i % 12) * 15, (i % 12) * 15 + 15);
    const own = words.slice(12 * 15 + 200 + i * 2, 12 * 15 + 200 + i * 2 + 2);
    const title = [own[0], pick(topic), own[1]].join(' ');
    const body = Array.from({ length: 40 }, (_, j) => (j % 9 === 0 ? own[j % 2] : j % 3 === 0 ? pick(topic) : pick(filler)));
    const sentences = [0, 10, 20, 30].map(
      (s) =>
        body
          .slice(s, s + 10)
          .join(' ')
          .replace(/^./, (c) => c.toUpperCase()) + '.',
    );
    return { title, abstract: sentences.join(' ') };
  });
}

/** Mean rank (0 = first) of each paper's own abstract among all abstracts for its title. */
function meanRankOfOwnAbstract(embedder: CorpusEmbedder, papers: { title: string; abstract: string }[]): number {
  const abstracts = papers.map((p) => embedder.embedOne(p.abstract));
  let total = 0;
  papers.forEach((p, i) => {
    const t = embedder.embedOne(p.title);
    const own = dot(t, abstracts[i]);
    total += abstracts.filter((a, j) => j !== i && dot(t, a) > own).length;
  });
  return total / papers.length;
}

describe('corpus embedder', () => {
  const papers = corpus(360);
  const texts = papers.map((p) => paperText(p.title, p.abstract));

  it('contrastive training ranks a title’s own abstract higher than plain LSA does', () => {
    // 8 dimensions cannot hold 360 papers' subject words by co-occurrence alone (LSA: about 5 wrong abstracts
    // ahead of the right one); training on the pairs separates them. Subject words occur in one paper only.
    const options = { dimensions: 8, minDocumentFrequency: 1 };
    const lsa = new CorpusEmbedder(trainCorpusModel(texts, { ...options, contrastiveEpochs: 0 }));
    const trained = new CorpusEmbedder(trainCorpusModel(texts, { ...options, contrastiveEpochs: 15, contrastive: { batchSize: 64 } }));
    const before = meanRankOfOwnAbstract(lsa, papers);
    const after = meanRankOfOwnAbstract(trained, papers);
    expect(before).toBeGreaterThan(2);
    expect(after).toBeLessThan(0.5);
  });

  it('is deterministic: the same papers give the same model', () => {
    const a = trainCorpusModel(texts, { dimensions: 16, contrastiveEpochs: 2 });
    const b = trainCorpusModel(texts, { dimensions: 16, contrastiveEpochs: 2 });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(trainCorpusModel(texts, { dimensions: 16, contrastiveEpochs: 0 }).fingerprint).not.toBe(a.fingerprint);
  });

  it('splits "title. abstract" at the first sentence break', () => {
    expect(splitPaperText(paperText('Deep nets', 'We study. Results.'))).toEqual({ title: 'Deep nets', abstract: 'We study. Results.' });
    expect(splitPaperText('Only a title')).toEqual({ title: 'Only a title', abstract: '' });
  });

  it('keeps a saved model and ignores one saved in an older format', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-model-'));
    try {
      const model = trainCorpusModel(texts, { dimensions: 8, contrastiveEpochs: 1 });
      saveCorpusModel(dir, model);
      const loaded = loadCorpusModel(dir);
      expect(loaded?.fingerprint).toBe(model.fingerprint);
      expect(loaded?.neighbours.ids).toEqual(model.neighbours.ids);
      expect(loaded?.neighbours.similarities).toEqual(model.neighbours.similarities);
      // An older file: same layout, no format number in the header.
      const file = path.join(dir, 'corpus-model.bin');
      const buf = fs.readFileSync(file);
      const len = buf.readUInt32LE(4);
      const header = JSON.parse(buf.subarray(8, 8 + len).toString());
      delete header.format;
      const json = Buffer.from(JSON.stringify(header));
      const padded = Buffer.concat([json, Buffer.from(' '.repeat((4 - ((8 + json.length) % 4)) % 4))]);
      const head = Buffer.alloc(8);
      head.write('PFS1', 0);
      head.writeUInt32LE(padded.length, 4);
      fs.writeFileSync(file, Buffer.concat([head, padded, buf.subarray(8 + len)]));
      expect(loadCorpusModel(dir)).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('word neighbours', () => {
  it('finds each word’s closest words as an exact scan does, the same on every run', () => {
    const dims = 12;
    const count = 300;
    const rand = seededRandom(3);
    const vectors = Float32Array.from({ length: count * dims }, () => rand() - 0.5);
    const found = nearestWords(vectors, dims, 5);
    const cosine = (a: number, b: number) => {
      let ab = 0,
        aa = 0,
        bb = 0;
      for (let c = 0; c < dims; c++) {
        ab += vectors[a * dims + c] * vectors[b * dims + c];
        aa += vectors[a * dims + c] ** 2;
        bb += vectors[b * dims + c] ** 2;
      }
      return ab / Math.sqrt(aa * bb);
    };
    let agree = 0;
    for (let w = 0; w < count; w++) {
      const exact = Array.from({ length: count }, (_, o) => o)
        .filter((o) => o !== w)
        .sort((a, b) => cosine(w, b) - cosine(w, a))
        .slice(0, 5);
      const got = Array.from(found.ids.subarray(w * 5, w * 5 + 5));
      if (got.join() === exact.join()) agree++;
      expect(found.similarities[w * 5]).toBeCloseTo(cosine(w, got[0]), 4);
    }
    // The graph search is approximate; on 300 words it should miss next to nothing.
    expect(agree / count).toBeGreaterThan(0.97);
    expect(nearestWords(vectors, dims, 5).ids).toEqual(found.ids);
  });

  it('relates a word to close words only: not itself, not numbers, not words at a right angle', () => {
    const vocabulary = ['car', 'automobil', '42', 'banana'];
    const vectors = Float32Array.from([1, 0, 0.9, 0.1, 0.95, 0.05, 0, 1]);
    const embedder = new CorpusEmbedder(finishModel(vocabulary, new Float32Array(4).fill(1), vectors, 2, 4));
    const related = embedder.relatedTerms('car');
    expect(related.map((r) => r.term)).toEqual(['automobil']);
    expect(related[0].similarity).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 5);
    expect(embedder.relatedTerms('unknown')).toEqual([]);
  });
});

describe('trainContrastive', () => {
  it('lowers the in-batch loss and changes only the words it saw', () => {
    const dims = 8;
    const vocab = 40;
    const rand = seededRandom(3);
    const e = Float32Array.from({ length: vocab * dims }, () => rand() - 0.5);
    const text = (ids: number[]): SparseText => ({ ids: Int32Array.from(ids), weights: Float32Array.from(ids, () => 1) });
    // Word i (query side) belongs with word 10 + i (document side); words 30..39 never occur.
    const pairs = Array.from({ length: 10 }, (_, i) => ({ query: text([i]), doc: text([10 + i, 20 + (i % 3)]) }));
    const untouched = e.slice(30 * dims);
    const first = trainContrastive(e.slice(), dims, pairs, { epochs: 1, batchSize: 10 });
    const last = trainContrastive(e, dims, pairs, { epochs: 60, batchSize: 10 });
    expect(last).toBeLessThan(first * 0.5);
    expect(e.slice(30 * dims)).toEqual(untouched);
  });
});
