// A person's model as stored text: the positives it was fitted to, the background papers whose dual variable is
// not zero (the others add nothing to the weights and warm-start at zero anyway), and those variables as base64
// float32. The weights themselves are not stored: restoreScorer rebuilds them from the duals over the same
// features, and over other features the duals warm-start a refit. About 15 bytes per kept negative.
import type { PersonModel } from './person-model.ts';

const FORMAT = 1;

export type StoredPersonModel = Omit<PersonModel, 'scorer'>;

export function encodeModel(model: StoredPersonModel): string {
  const p = model.positives.length;
  const kept: number[] = [];
  model.negatives.forEach((_, i) => {
    if (model.alphas[p + i] !== 0) kept.push(i);
  });
  const alphas = new Float32Array(p + kept.length);
  alphas.set(model.alphas.subarray(0, p));
  kept.forEach((i, j) => {
    alphas[p + j] = model.alphas[p + i];
  });
  return JSON.stringify({
    format: FORMAT,
    featuresKey: model.featuresKey,
    biasFeature: model.biasFeature,
    epochs: model.epochs,
    positives: model.positives.map((x) => [x.paperId, x.weight]),
    negatives: kept.map((i) => model.negatives[i]),
    alphas: Buffer.from(alphas.buffer, alphas.byteOffset, alphas.byteLength).toString('base64'),
  });
}

/** The stored model, or null when the text is not one this code wrote (it is then refitted from scratch). */
export function decodeModel(text: string): StoredPersonModel | null {
  try {
    const o = JSON.parse(text);
    if (o?.format !== FORMAT || typeof o.featuresKey !== 'string' || !Array.isArray(o.positives) || !Array.isArray(o.negatives)) return null;
    const bytes = Buffer.from(String(o.alphas), 'base64');
    const alphas = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (alphas.length !== o.positives.length + o.negatives.length || !alphas.every((a) => a >= 0)) return null;
    const positives = o.positives.map(([paperId, weight]: [unknown, unknown]) => ({ paperId: String(paperId), weight: Number(weight) }));
    if (!positives.every((x: { weight: number }) => x.weight > 0)) return null;
    return {
      featuresKey: o.featuresKey,
      biasFeature: Number(o.biasFeature),
      epochs: Number(o.epochs) || 0,
      positives,
      negatives: o.negatives.map(String),
      alphas,
    };
  } catch {
    return null;
  }
}
