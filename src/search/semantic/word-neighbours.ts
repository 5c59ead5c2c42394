// Each vocabulary word's closest words in the corpus embedder's space (cosine of the trained word vectors), kept
// with the model. The hybrid ranker uses them to give partial credit to a paper that lacks a query word but holds
// one of its close relatives ("ischemia" for "infarct", "zidovudine" for "azt"): evidence the paper-level cosine
// blurs and BM25 cannot see.
//
// Found with usearch's HNSW graph, built and searched on one thread: an exact all-pairs scan costs about 300 s at
// 60,000 words in JavaScript, the graph about 10 s per 15,000 words, and one thread keeps the result the same on
// every run (the graph's shape depends on the order threads insert in).
import usearch from 'usearch';

export interface WordNeighbours {
  /** Neighbours kept per word. */
  k: number;
  /** vocabulary × k word numbers, closest first; -1 where a word has fewer neighbours. */
  ids: Int32Array;
  /** Their cosine similarities, same layout. */
  similarities: Float32Array;
}

export const NEIGHBOURS_PER_WORD = 8;

export function nearestWords(wordVectors: Float32Array, dimensions: number, k = NEIGHBOURS_PER_WORD): WordNeighbours {
  const count = dimensions ? wordVectors.length / dimensions : 0;
  const ids = new Int32Array(count * k).fill(-1);
  const similarities = new Float32Array(count * k);
  if (count < 2) return { k, ids, similarities };
  const index = new usearch.Index({
    dimensions,
    metric: usearch.MetricKind.Cos,
    quantization: usearch.ScalarKind.F32,
    connectivity: 16,
    expansion_add: 128,
    expansion_search: 64,
    multi: false,
  });
  const keys = new BigUint64Array(count);
  for (let i = 0; i < count; i++) keys[i] = BigInt(i);
  index.add(keys, wordVectors, 1);
  // Many query rows at once: a batch result.
  const found = index.search(wordVectors, Math.min(count, k + 1), 1) as InstanceType<typeof usearch.BatchMatches>;
  const stride = found.k;
  for (let w = 0; w < count; w++) {
    let kept = 0;
    for (let j = 0; j < Number(found.counts[w]) && kept < k; j++) {
      const other = Number(found.keys[w * stride + j]);
      const similarity = 1 - found.distances[w * stride + j];
      // A word is its own nearest; a zero vector has no direction, so no neighbours either.
      if (other === w || !Number.isFinite(similarity)) continue;
      ids[w * k + kept] = other;
      similarities[w * k + kept] = similarity;
      kept++;
    }
  }
  return { k, ids, similarities };
}
