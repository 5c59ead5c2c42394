// One interface for everything that turns text into a vector, so the index, the hybrid ranker and the
// "similar papers" list do not care whether vectors come from the corpus-trained model or an ONNX encoder.

export interface Embedder {
  /** Identifies the model and its training state: stored vectors made under another id are stale. */
  readonly id: string;
  readonly dimensions: number;
  /** Unit-length vectors, one per text (a paper is embedded as "title. abstract"). */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Query vectors, when the model embeds queries differently from papers (an instruction prompt); else embed. */
  embedQueries?(texts: string[]): Promise<Float32Array[]>;
  /** Index terms close in meaning to an index term, closest first (models with word vectors only). */
  relatedTerms?(term: string): RelatedTerm[];
}

export interface RelatedTerm {
  term: string;
  /** Cosine similarity, in (0, 1]. */
  similarity: number;
}

/** Vectors for search queries: the embedder's query side where it has one. */
export function embedQueries(embedder: Embedder, texts: string[]): Promise<Float32Array[]> {
  return embedder.embedQueries ? embedder.embedQueries(texts) : embedder.embed(texts);
}

/** Text a paper is embedded from. */
export function paperText(title: string, abstract: string): string {
  return `${title}. ${abstract}`;
}

export function normalizeInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export function dot(a: Float32Array, b: Float32Array, bOffset = 0): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[bOffset + i];
  return s;
}
