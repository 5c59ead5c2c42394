// A sentence-transformers model in ONNX form, run by @huggingface/transformers (onnxruntime-node) with mean
// pooling and L2 normalisation. Loaded from a local folder laid out like a hub repository (config.json,
// tokenizer.json, tokenizer_config.json, onnx/model.onnx). Nothing is downloaded unless `allowRemote` is set,
// in which case `model` may also be a hub id.
import path from 'node:path';
import type { Embedder } from './embedder.ts';

export interface OnnxEmbedderOptions {
  /** A local folder, or a hub model id when allowRemote is true. */
  model: string;
  allowRemote?: boolean;
  /** Texts per forward pass. */
  batchSize?: number;
}

type Extractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

export class OnnxEmbedder implements Embedder {
  private constructor(
    readonly id: string,
    readonly dimensions: number,
    private readonly extractor: Extractor,
    private readonly batchSize: number,
  ) {}

  static async load(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    const transformers = await import('@huggingface/transformers');
    const { env, pipeline } = transformers;
    const isLocal = path.isAbsolute(options.model) || options.model.startsWith('.');
    env.allowRemoteModels = Boolean(options.allowRemote);
    env.allowLocalModels = true;
    let modelId = options.model;
    if (isLocal) {
      const dir = path.resolve(options.model);
      env.localModelPath = path.dirname(dir) + path.sep;
      modelId = path.basename(dir);
    }
    const extractor = (await pipeline('feature-extraction', modelId, {
      dtype: 'fp32',
      local_files_only: !options.allowRemote,
    })) as unknown as Extractor;
    const probe = await extractor(['probe'], { pooling: 'mean', normalize: true });
    const dimensions = probe.dims[probe.dims.length - 1];
    return new OnnxEmbedder(`onnx-${modelId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${dimensions}`, dimensions, extractor, options.batchSize ?? 32);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      const t = await this.extractor(batch, { pooling: 'mean', normalize: true });
      for (let j = 0; j < batch.length; j++) out.push(Float32Array.from(t.data.subarray(j * this.dimensions, (j + 1) * this.dimensions)));
    }
    return out;
  }
}
