// A sentence-transformers model in ONNX form, run by @huggingface/transformers (onnxruntime-node), from a local
// folder in the layout such models are published in (bge-small-en-v1.5 and the like):
//
//   config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json
//   onnx/model.onnx (or model.onnx at the top)
//   modules.json               the pipeline: Transformer, then Pooling (its folder), then optionally Normalize
//   1_Pooling/config.json      pooling_mode_cls_token / pooling_mode_mean_tokens / pooling_mode_lasttoken
//   config_sentence_transformers.json (optional): prompts {query, document|passage}, similarity_fn_name
//
// The folder's own settings decide pooling, normalisation and prompts, as sentence-transformers would apply them:
// bge pools the [CLS] token, MiniLM averages tokens. Vectors come out unit length (the index ranks by cosine): a
// model without a Normalize module is normalised anyway when its similarity is cosine, which is the same ranking;
// a dot-product model without Normalize is refused, since cosine would rank it differently. Nothing is downloaded
// unless `allowRemote` is set, in which case `model` may also be a hub id.
import fs from 'node:fs';
import path from 'node:path';
import type { Embedder } from './embedder.ts';

export interface OnnxEmbedderOptions {
  /** A local folder, or a hub model id when allowRemote is true. */
  model: string;
  allowRemote?: boolean;
  /** Texts per forward pass. */
  batchSize?: number;
}

export type OnnxPooling = 'mean' | 'cls' | 'last_token';

export interface SentenceTransformerSettings {
  pooling: OnnxPooling;
  /** The folder's pipeline ends with a Normalize module. */
  normalize: boolean;
  /** Prepended to queries and to documents (config_sentence_transformers.json prompts; usually empty). */
  queryPrompt: string;
  documentPrompt: string;
  /** Where the ONNX graph is, relative to the folder: 'onnx' or '' (top level). */
  subfolder: string;
}

type Extractor = (texts: string[], options: { pooling: OnnxPooling; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

function readJson(file: string): Record<string, any> | null {
  if (!fs.existsSync(file)) return null;
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8'));
    return v && typeof v === 'object' ? v : null;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message})`);
  }
}

const POOLING_MODES: [string, OnnxPooling][] = [
  ['pooling_mode_cls_token', 'cls'],
  ['pooling_mode_mean_tokens', 'mean'],
  ['pooling_mode_lasttoken', 'last_token'],
];

/**
 * Reads how a sentence-transformers folder turns token vectors into a sentence vector. A folder without
 * modules.json (a plain transformers export) gets mean pooling and normalisation, the common default.
 */
export function readSentenceTransformerFolder(dir: string): SentenceTransformerSettings {
  if (!fs.existsSync(dir)) throw new Error(`ONNX model folder ${dir} not found`);
  const subfolder = fs.existsSync(path.join(dir, 'onnx', 'model.onnx')) ? 'onnx' : fs.existsSync(path.join(dir, 'model.onnx')) ? '' : null;
  if (subfolder === null) throw new Error(`${dir} has neither onnx/model.onnx nor model.onnx`);
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    if (!fs.existsSync(path.join(dir, f))) throw new Error(`${dir} has no ${f}`);
  }
  const modules = readJson(path.join(dir, 'modules.json'));
  const list: { type?: string; path?: string }[] = Array.isArray(modules) ? modules : [];
  const poolingModule = list.find((m) => /Pooling$/.test(String(m.type)));
  let pooling: OnnxPooling = 'mean';
  if (poolingModule) {
    const file = path.join(dir, String(poolingModule.path ?? ''), 'config.json');
    const config = readJson(file);
    if (!config) throw new Error(`${file} is missing: modules.json names a Pooling module there`);
    const on = Object.entries(config)
      .filter(([k, v]) => k.startsWith('pooling_mode_') && v === true)
      .map(([k]) => k);
    const known = POOLING_MODES.filter(([k]) => on.includes(k));
    if (on.length !== 1 || known.length !== 1)
      throw new Error(`${file}: pooling ${on.join(' + ') || 'none'} is not supported (one of ${POOLING_MODES.map(([k]) => k).join(', ')})`);
    pooling = known[0][1];
  }
  const normalize = modules === null || list.some((m) => /Normalize$/.test(String(m.type)));
  const st = readJson(path.join(dir, 'config_sentence_transformers.json')) ?? {};
  const similarity = String(st.similarity_fn_name ?? 'cosine');
  if (!normalize && /dot/.test(similarity))
    throw new Error(`${dir}: a dot-product model without a Normalize module is not supported (the index ranks by cosine)`);
  const prompts = st.prompts && typeof st.prompts === 'object' ? st.prompts : {};
  return {
    pooling,
    normalize,
    queryPrompt: typeof prompts.query === 'string' ? prompts.query : '',
    documentPrompt: typeof prompts.document === 'string' ? prompts.document : typeof prompts.passage === 'string' ? prompts.passage : '',
    subfolder,
  };
}

const HUB_DEFAULTS: SentenceTransformerSettings = { pooling: 'mean', normalize: true, queryPrompt: '', documentPrompt: '', subfolder: 'onnx' };

export class OnnxEmbedder implements Embedder {
  private constructor(
    readonly id: string,
    readonly dimensions: number,
    readonly settings: SentenceTransformerSettings,
    private readonly extractor: Extractor,
    private readonly batchSize: number,
  ) {}

  static async load(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    const isLocal = path.isAbsolute(options.model) || options.model.startsWith('.') || !options.allowRemote;
    const settings = isLocal ? readSentenceTransformerFolder(path.resolve(options.model)) : HUB_DEFAULTS;
    const transformers = await import('@huggingface/transformers');
    const { env, pipeline } = transformers;
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
      subfolder: settings.subfolder,
    })) as unknown as Extractor;
    // Unit vectors whatever the folder says: the index ranks by cosine (see the header).
    const probe = await extractor(['probe'], { pooling: settings.pooling, normalize: true });
    const dimensions = probe.dims[probe.dims.length - 1];
    const id = `onnx-${modelId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${dimensions}-${settings.pooling}`;
    return new OnnxEmbedder(id, dimensions, settings, extractor, options.batchSize ?? 32);
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    return this.run(texts, this.settings.documentPrompt);
  }

  embedQueries(texts: string[]): Promise<Float32Array[]> {
    return this.run(texts, this.settings.queryPrompt);
  }

  private async run(texts: string[], prompt: string): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize).map((t) => prompt + t);
      const t = await this.extractor(batch, { pooling: this.settings.pooling, normalize: true });
      for (let j = 0; j < batch.length; j++) out.push(Float32Array.from(t.data.subarray(j * this.dimensions, (j + 1) * this.dimensions)));
    }
    return out;
  }
}
