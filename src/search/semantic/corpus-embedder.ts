// The default embedder, learned from the stored papers themselves (no downloaded weights): latent semantic
// word vectors. Papers form a sparse paper×word matrix of log-tf·idf weights (rows L2-normalised); a randomized
// truncated SVD gives each word a vector (right singular vectors scaled by σ^α), and a text's vector is the
// idf-weighted sum of its words' vectors, normalised. Words that co-occur across papers end up close, so
// "transformer language model" lands near "LLM pretraining" without sharing words.
//
// Deterministic: same papers in the same order give the same model (seeded random projection). Training looks at
// a deterministic sample of at most `maxDocs` papers, so retraining on a large corpus stays bounded.
import crypto from 'node:crypto';
import { terms } from '../text/analyze.ts';
import { type Embedder, normalizeInPlace, type RelatedTerm } from './embedder.ts';
import { randomizedSvd, type Csr } from './linalg.ts';
import { trainContrastive, type ContrastiveOptions, type SparseText } from './contrastive.ts';
import { seededRandom } from '../../domain/seeded-random.ts';
import { nearestWords, type WordNeighbours } from './word-neighbours.ts';

export interface CorpusModelOptions {
  dimensions: number;
  maxVocabulary: number;
  minDocumentFrequency: number;
  maxDocs: number;
  /** Exponent on singular values when scaling word vectors (0 = plain singular vectors). */
  alpha: number;
  powerIterations: number;
  /** Rows of the training matrix are windows of this many consecutive terms (0: whole papers). */
  windowSize: number;
  /** Epochs of contrastive title→abstract refinement of the LSA vectors (0: plain LSA). */
  contrastiveEpochs: number;
  contrastive: Partial<ContrastiveOptions>;
  /** Also train on (one sentence of the abstract → title and the other sentences) pairs. */
  sentencePairs: boolean;
  /**
   * Bound on contrastive training work: epochs are cut so that epochs × pairs stays near this many pair
   * visits (at least one epoch), so training time stays bounded on a large corpus.
   */
  maxPairVisits: number;
}

export const DEFAULT_CORPUS_MODEL: CorpusModelOptions = {
  dimensions: 160,
  maxVocabulary: 60_000,
  minDocumentFrequency: 2,
  maxDocs: 120_000,
  alpha: 0,
  powerIterations: 1,
  windowSize: 0,
  contrastiveEpochs: 20,
  contrastive: { learningRate: 0.1, temperature: 0.1 },
  sentencePairs: true,
  maxPairVisits: 200_000,
};

export interface CorpusModel {
  vocabulary: string[];
  idf: Float32Array;
  /** vocabulary.length × dimensions, row-major. */
  wordVectors: Float32Array;
  dimensions: number;
  /** Papers the model was trained on (to decide when the corpus has drifted). */
  trainedOnDocs: number;
  /** Each word's closest words (for the hybrid ranker's related-word evidence). */
  neighbours: WordNeighbours;
  /** Hash of vocabulary and vectors: the embedder id. */
  fingerprint: string;
}

/**
 * Trains on `texts`: a corpus of `corpusSize` papers, or an even sample of it (a build streams its papers and
 * keeps only the sample's text). More than `maxDocs` texts are thinned to an even sample here.
 */
export function trainCorpusModel(texts: string[], options: Partial<CorpusModelOptions> = {}, corpusSize = texts.length): CorpusModel {
  const o = { ...DEFAULT_CORPUS_MODEL, ...options };
  const step = Math.max(1, Math.ceil(texts.length / o.maxDocs));
  const sample: string[][] = [];
  for (let i = 0; i < texts.length; i += step) sample.push(terms(texts[i]));
  const df = new Map<string, number>();
  for (const doc of sample) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  const vocabulary = [...df]
    .filter(([, n]) => n >= o.minDocumentFrequency)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, o.maxVocabulary)
    .map(([t]) => t)
    .sort();
  const index = new Map(vocabulary.map((t, i) => [t, i]));
  const rowsOfTerms: string[][] = [];
  for (const doc of sample) {
    if (!o.windowSize) rowsOfTerms.push(doc);
    else for (let i = 0; i < doc.length; i += o.windowSize) rowsOfTerms.push(doc.slice(i, i + o.windowSize));
  }
  const d = sample.length;
  const idf = Float32Array.from(vocabulary, (t) => Math.log((d + 1) / (df.get(t)! + 0.5)));

  const rowPtr = new Uint32Array(rowsOfTerms.length + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  rowsOfTerms.forEach((doc, r) => {
    const tf = new Map<number, number>();
    for (const t of doc) {
      const i = index.get(t);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const entries = [...tf].sort((a, b) => a[0] - b[0]);
    let norm = 0;
    const weights = entries.map(([i, n]) => (1 + Math.log(n)) * idf[i]);
    for (const w of weights) norm += w * w;
    norm = Math.sqrt(norm) || 1;
    entries.forEach(([i], j) => {
      cols.push(i);
      vals.push(weights[j] / norm);
    });
    rowPtr[r + 1] = cols.length;
  });
  const matrix: Csr = { rows: rowsOfTerms.length, cols: vocabulary.length, rowPtr, colIdx: Int32Array.from(cols), values: Float32Array.from(vals) };
  const k = Math.max(1, Math.min(o.dimensions, rowsOfTerms.length - 1, vocabulary.length - 1));
  const svd = randomizedSvd(matrix, k, { powerIterations: o.powerIterations, seed: 7 });
  const dims = svd.k;
  const wordVectors = new Float32Array(vocabulary.length * dims);
  for (let w = 0; w < vocabulary.length; w++) {
    for (let c = 0; c < dims; c++) {
      wordVectors[w * dims + c] = svd.rightVectors[w * dims + c] * svd.singularValues[c] ** o.alpha;
    }
  }
  if (o.contrastiveEpochs > 0) {
    // Row norms about 1, so the learning rate means the same thing whatever the vocabulary size.
    let ss = 0;
    for (let i = 0; i < wordVectors.length; i++) ss += wordVectors[i] * wordVectors[i];
    const scale = Math.sqrt(vocabulary.length / (ss || 1));
    for (let i = 0; i < wordVectors.length; i++) wordVectors[i] *= scale;
    const pairs = trainingPairs(texts, step, index, idf, o.sentencePairs);
    const epochs = Math.max(1, Math.min(o.contrastiveEpochs, Math.round(o.maxPairVisits / Math.max(1, pairs.length))));
    if (pairs.length >= 2) trainContrastive(wordVectors, dims, pairs, { ...o.contrastive, epochs });
  }
  return finishModel(vocabulary, idf, wordVectors, dims, corpusSize);
}

/** Splits a paper's embedding text ("title. abstract") back into its two parts. */
export function splitPaperText(text: string): { title: string; abstract: string } {
  const at = text.indexOf('. ');
  return at < 0 ? { title: text, abstract: '' } : { title: text.slice(0, at), abstract: text.slice(at + 2) };
}

export function sparseText(termList: string[], index: Map<string, number>, idf: Float32Array): SparseText {
  const tf = new Map<number, number>();
  for (const t of termList) {
    const i = index.get(t);
    if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
  }
  const entries = [...tf].sort((a, b) => a[0] - b[0]);
  return { ids: Int32Array.from(entries, ([i]) => i), weights: Float32Array.from(entries, ([i, n]) => (1 + Math.log(n)) * idf[i]) };
}

const SENTENCE_END = /(?<=[.!?])\s+(?=[A-Z0-9(])/;

function trainingPairs(
  texts: string[],
  step: number,
  index: Map<string, number>,
  idf: Float32Array,
  sentences: boolean,
): { query: SparseText; doc: SparseText }[] {
  const pairs: { query: SparseText; doc: SparseText }[] = [];
  const rand = seededRandom(23);
  for (let i = 0; i < texts.length; i += step) {
    const { title, abstract } = splitPaperText(texts[i]);
    const titleTerms = terms(title);
    const query = sparseText(titleTerms, index, idf);
    const doc = sparseText(terms(abstract), index, idf);
    if (query.ids.length >= 2 && doc.ids.length >= 5) pairs.push({ query, doc });
    if (!sentences) continue;
    const parts = abstract.split(SENTENCE_END);
    if (parts.length < 3) continue;
    const pick = Math.floor(rand() * parts.length);
    const sentence = sparseText(terms(parts[pick]), index, idf);
    const rest = sparseText(titleTerms.concat(terms(parts.filter((_, j) => j !== pick).join(' '))), index, idf);
    if (sentence.ids.length >= 3 && rest.ids.length >= 5) pairs.push({ query: sentence, doc: rest });
  }
  return pairs;
}

/** The model from its parts; word neighbours are found here unless a saved model brings them. */
export function finishModel(
  vocabulary: string[],
  idf: Float32Array,
  wordVectors: Float32Array,
  dimensions: number,
  trainedOnDocs: number,
  neighbours: WordNeighbours = nearestWords(wordVectors, dimensions),
): CorpusModel {
  const hash = crypto.createHash('sha256');
  hash.update(vocabulary.join('\n'));
  hash.update(new Uint8Array(wordVectors.buffer, wordVectors.byteOffset, wordVectors.byteLength));
  return { vocabulary, idf, wordVectors, dimensions, trainedOnDocs, neighbours, fingerprint: hash.digest('hex').slice(0, 16) };
}

const HAS_LETTER = /\p{L}/u;

export class CorpusEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly index: Map<string, number>;

  constructor(readonly model: CorpusModel) {
    this.id = `corpus-lsa-${model.dimensions}-${model.fingerprint}`;
    this.dimensions = model.dimensions;
    this.index = new Map(model.vocabulary.map((t, i) => [t, i]));
  }

  embedOne(text: string): Float32Array {
    const out = new Float32Array(this.dimensions);
    const tf = new Map<number, number>();
    for (const t of terms(text)) {
      const i = this.index.get(t);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const dims = this.dimensions;
    const wv = this.model.wordVectors;
    for (const [i, n] of tf) {
      const w = (1 + Math.log(n)) * this.model.idf[i];
      const o = i * dims;
      for (let c = 0; c < dims; c++) out[c] += w * wv[o + c];
    }
    return normalizeInPlace(out);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  relatedTerms(term: string): RelatedTerm[] {
    const i = this.index.get(term);
    if (i === undefined) return [];
    const { k, ids, similarities } = this.model.neighbours;
    const out: RelatedTerm[] = [];
    for (let j = i * k; j < (i + 1) * k; j++) {
      if (ids[j] < 0 || !(similarities[j] > 0)) continue;
      const related = this.model.vocabulary[ids[j]];
      // A rare number lands near whatever words it happened to appear with: it says nothing about meaning.
      if (HAS_LETTER.test(related)) out.push({ term: related, similarity: similarities[j] });
    }
    return out;
  }
}
