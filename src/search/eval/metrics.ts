// Retrieval metrics as BEIR/pytrec_eval compute them: nDCG@k with graded gains (linear: gain = relevance),
// recall@k and MRR@k, averaged over queries that have at least one relevant document.

export type Qrels = Map<string, Map<string, number>>;
export type Run = Map<string, string[]>;

export function ndcgAt(ranked: string[], relevant: Map<string, number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const rel = relevant.get(ranked[i]) ?? 0;
    if (rel > 0) dcg += rel / Math.log2(i + 2);
  }
  const ideal = [...relevant.values()].filter((r) => r > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(ranked: string[], relevant: Map<string, number>, k: number): number {
  const rel = [...relevant].filter(([, r]) => r > 0).map(([id]) => id);
  if (!rel.length) return 0;
  const top = new Set(ranked.slice(0, k));
  return rel.filter((id) => top.has(id)).length / rel.length;
}

export function mrrAt(ranked: string[], relevant: Map<string, number>, k: number): number {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((relevant.get(ranked[i]) ?? 0) > 0) return 1 / (i + 1);
  return 0;
}

export interface Scores {
  ndcg10: number;
  recall100: number;
  mrr10: number;
  queries: number;
}

export function evaluateRun(run: Run, qrels: Qrels): Scores {
  let ndcg = 0;
  let recall = 0;
  let mrr = 0;
  let n = 0;
  for (const [qid, relevant] of qrels) {
    if (![...relevant.values()].some((r) => r > 0)) continue;
    const ranked = run.get(qid) ?? [];
    ndcg += ndcgAt(ranked, relevant, 10);
    recall += recallAt(ranked, relevant, 100);
    mrr += mrrAt(ranked, relevant, 10);
    n++;
  }
  return { ndcg10: n ? ndcg / n : 0, recall100: n ? recall / n : 0, mrr10: n ? mrr / n : 0, queries: n };
}
