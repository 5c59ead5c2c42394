// The ONNX embedder end to end through @huggingface/transformers and onnxruntime-node, on model folders this test
// writes itself in the layout sentence-transformers publishes (bge-small-en-v1.5's: modules.json, 1_Pooling,
// tokenizer.json with a WordPiece model, onnx/model.onnx); nothing is downloaded. The graph is BERT-shaped
// (input_ids, attention_mask, token_type_ids → last_hidden_state) and small enough to work out by hand: each
// token's output is its embedding-table row plus the sum of the rows of every unmasked token in its text. So
// the [CLS] position depends on the whole text (CLS pooling means something), mean pooling gives a different
// vector, and padding in a batch must not change anything.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPapers } from '../../../src/db/papers.ts';
import type { Paper } from '../../../src/domain/paper.ts';
import { DatabaseSearchService } from '../../../src/search/service.ts';
import { OnnxEmbedder, readSentenceTransformerFolder } from '../../../src/search/semantic/onnx-embedder.ts';
import { loadEmbedder } from '../../../src/search/semantic/prepare.ts';
import { createTestDatabase, tempDir } from '../../helpers/db.ts';

// ── A minimal protobuf writer: just the wire types ONNX's ModelProto needs ──────────────────────────────────
function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number) => [...key(field, 0), ...varint(n)];
const bytes = (field: number, b: Uint8Array | number[]) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s, 'utf8')]);
const msg = (field: number, ...parts: number[][]) => bytes(field, parts.flat());

// TensorProto.DataType and AttributeProto.AttributeType values.
const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;

function tensorType(elemType: number, dims: (string | number)[]): number[] {
  const dimParts = dims.map((d) => msg(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  return msg(2, msg(1, int(1, elemType), msg(2, ...dimParts)));
}
const valueInfo = (field: number, name: string, elemType: number, dims: (string | number)[]) => msg(field, str(1, name), tensorType(elemType, dims));
const node = (op: string, inputs: string[], output: string, ...attributes: number[][]) =>
  msg(1, ...inputs.map((i) => str(1, i)), str(2, output), str(4, op), ...attributes.map((a) => msg(5, a)));
const intAttribute = (name: string, value: number) => [...str(1, name), ...int(20, ATTR_INT), ...int(3, value)];
function initializer(name: string, dims: number[], type: number, raw: ArrayBufferView): number[] {
  return msg(5, ...dims.map((d) => int(1, d)), int(2, type), str(8, name), bytes(9, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)));
}

/** last_hidden_state[b, s] = table[input_ids[b, s]] + Σ_t mask[b, t] · table[input_ids[b, t]] (opset 13). */
function encoderModel(table: number[][]): Uint8Array {
  const hidden = table[0].length;
  const graph = msg(
    7,
    node('Gather', ['table', 'input_ids'], 'embedded', intAttribute('axis', 0)),
    node('Cast', ['attention_mask'], 'mask', intAttribute('to', FLOAT)),
    node('Unsqueeze', ['mask', 'axis2'], 'mask3'),
    node('Mul', ['embedded', 'mask3'], 'masked'),
    node('ReduceSum', ['masked', 'axis1'], 'total', intAttribute('keepdims', 1)),
    node('Add', ['embedded', 'total'], 'last_hidden_state'),
    str(2, 'tiny-encoder'),
    initializer('table', [table.length, hidden], FLOAT, new Float32Array(table.flat())),
    initializer('axis1', [1], INT64, BigInt64Array.from([1n])),
    initializer('axis2', [1], INT64, BigInt64Array.from([2n])),
    valueInfo(11, 'input_ids', INT64, ['batch', 'sequence']),
    valueInfo(11, 'attention_mask', INT64, ['batch', 'sequence']),
    valueInfo(11, 'token_type_ids', INT64, ['batch', 'sequence']),
    valueInfo(12, 'last_hidden_state', FLOAT, ['batch', 'sequence', hidden]),
  );
  return Uint8Array.from([...int(1, 8), ...str(2, 'paperfeed-test'), ...graph, ...msg(8, str(1, ''), int(2, 13))]);
}

// ── The model folder ───────────────────────────────────────────────────────────────────────────────────────
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'graph', 'neural', 'diffusion', '##s', 'image'];
const TABLE = [
  [0, 0, 0, 0], // [PAD]
  [0, 0, 0, 1], // [UNK]
  [1, 0, 0, 0], // [CLS]
  [0, 0, 0, 0], // [SEP]
  [0, 1, 0, 0], // graph
  [0, 0, 1, 0], // neural
  [0, 2, 2, 0], // diffusion
  [1, 0, 0, 0], // ##s
  [0, 0, 0, 3], // image
];
const row = (token: string) => TABLE[VOCAB.indexOf(token)];
const sum = (vs: number[][]) => vs.reduce((a, v) => a.map((x, i) => x + v[i]), [0, 0, 0, 0]);
const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
/** What the graph gives for a tokenised text ([CLS] … [SEP]), pooled. */
function expected(tokens: string[], pooling: 'cls' | 'mean'): number[] {
  const all = ['[CLS]', ...tokens, '[SEP]'].map(row);
  const total = sum(all);
  const outputs = all.map((e) => e.map((x, i) => x + total[i]));
  return unit(pooling === 'cls' ? outputs[0] : sum(outputs).map((x) => x / outputs.length));
}
const rounded = (v: Float32Array | number[]) => [...v].map((x) => +x.toFixed(5));

interface FolderOptions {
  pooling: 'cls' | 'mean' | 'max';
  topLevelModel?: boolean;
  normalize?: boolean;
  sentenceTransformersConfig?: object;
}

function writeModelFolder(dir: string, o: FolderOptions): string {
  const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const files: Record<string, unknown> = {
    'config.json': { model_type: 'bert', hidden_size: 4, architectures: ['BertModel'] },
    'tokenizer_config.json': {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
    },
    'special_tokens_map.json': { cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]' },
    'tokenizer.json': {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: VOCAB.slice(0, 4).map(special),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(VOCAB.map((w, i) => [w, i])),
      },
    },
    'modules.json': [
      { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
      { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
      ...(o.normalize === false ? [] : [{ idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' }]),
    ],
    '1_Pooling/config.json': {
      word_embedding_dimension: 4,
      pooling_mode_cls_token: o.pooling === 'cls',
      pooling_mode_mean_tokens: o.pooling === 'mean',
      pooling_mode_max_tokens: o.pooling === 'max',
      pooling_mode_mean_sqrt_len_tokens: false,
    },
  };
  if (o.sentenceTransformersConfig) files['config_sentence_transformers.json'] = o.sentenceTransformersConfig;
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), JSON.stringify(content));
  }
  const model = o.topLevelModel ? path.join(dir, 'model.onnx') : path.join(dir, 'onnx', 'model.onnx');
  fs.mkdirSync(path.dirname(model), { recursive: true });
  fs.writeFileSync(model, encoderModel(TABLE));
  return dir;
}

describe('OnnxEmbedder on a sentence-transformers folder', () => {
  let root: string;
  let bge: string;
  let minilm: string;
  beforeAll(() => {
    root = tempDir('paperfeed-onnx-');
    // bge-small-en-v1.5's layout: CLS pooling, onnx/model.onnx, a query prompt in config_sentence_transformers.json.
    bge = writeModelFolder(path.join(root, 'tiny-bge'), {
      pooling: 'cls',
      sentenceTransformersConfig: { prompts: { query: 'image ', document: '' }, similarity_fn_name: 'cosine' },
    });
    // all-MiniLM-L6-v2 exported with model.onnx at the top: mean pooling.
    minilm = writeModelFolder(path.join(root, 'tiny-minilm'), { pooling: 'mean', topLevelModel: true });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads pooling, normalisation, prompts and the graph’s place from the folder', () => {
    expect(readSentenceTransformerFolder(bge)).toEqual({ pooling: 'cls', normalize: true, queryPrompt: 'image ', documentPrompt: '', subfolder: 'onnx' });
    expect(readSentenceTransformerFolder(minilm)).toEqual({ pooling: 'mean', normalize: true, queryPrompt: '', documentPrompt: '', subfolder: '' });
  });

  it('pools the [CLS] token when 1_Pooling says so, splitting words into WordPiece pieces', async () => {
    const embedder = await OnnxEmbedder.load({ model: bge });
    expect(embedder.dimensions).toBe(4);
    expect(embedder.id).toMatch(/tiny-bge.*cls/);
    const [graphNeural, diffusions, unknown] = await embedder.embed(['Graph neural', 'diffusions', 'zebra']);
    expect(rounded(graphNeural)).toEqual(rounded(expected(['graph', 'neural'], 'cls')));
    expect(rounded(diffusions)).toEqual(rounded(expected(['diffusion', '##s'], 'cls')));
    expect(rounded(unknown)).toEqual(rounded(expected(['[UNK]'], 'cls')));
    // Mean pooling of the same outputs would be another vector: the setting is what made these.
    expect(rounded(graphNeural)).not.toEqual(rounded(expected(['graph', 'neural'], 'mean')));
  });

  it('puts the folder’s query prompt before queries only', async () => {
    const embedder = await OnnxEmbedder.load({ model: bge });
    const [query] = await embedder.embedQueries(['graph']);
    const [paper] = await embedder.embed(['graph']);
    expect(rounded(query)).toEqual(rounded(expected(['image', 'graph'], 'cls')));
    expect(rounded(paper)).toEqual(rounded(expected(['graph'], 'cls')));
  });

  it('mean-pools a model.onnx at the top of the folder; padding in a batch changes nothing', async () => {
    const embedder = await OnnxEmbedder.load({ model: minilm, batchSize: 3 });
    const texts = ['diffusion', 'diffusion image image', 'graph neural diffusions'];
    const batched = await embedder.embed(texts);
    expect(rounded(batched[1])).toEqual(rounded(expected(['diffusion', 'image', 'image'], 'mean')));
    for (let i = 0; i < texts.length; i++) expect(rounded(batched[i])).toEqual(rounded((await embedder.embed([texts[i]]))[0]));
    expect(batched.every((v) => Math.abs(Math.hypot(...v) - 1) < 1e-5)).toBe(true);
  });

  it('is what EMBEDDER=onnx selects, from the folder alone', async () => {
    const chosen = await loadEmbedder({ dataDir: tempDir(), embedder: 'onnx', onnxModelDir: bge, trainIfMissing: false }, []);
    expect(chosen?.id).toMatch(/cls/);
    const [v] = await chosen!.embed(['graph neural']);
    expect(rounded(v)).toEqual(rounded(expected(['graph', 'neural'], 'cls')));
  });

  it('refuses folders it cannot use, saying why, and never downloads', async () => {
    const load = (dir?: string) => loadEmbedder({ dataDir: tempDir(), embedder: 'onnx', onnxModelDir: dir, trainIfMissing: false }, []);
    await expect(load()).rejects.toThrow(/ONNX_MODEL_DIR/);
    await expect(load(path.join(root, 'nope'))).rejects.toThrow(/not found/);
    const noGraph = writeModelFolder(path.join(root, 'no-graph'), { pooling: 'cls' });
    fs.rmSync(path.join(noGraph, 'onnx'), { recursive: true });
    await expect(load(noGraph)).rejects.toThrow(/onnx\/model\.onnx nor model\.onnx/);
    await expect(load(writeModelFolder(path.join(root, 'max-pool'), { pooling: 'max' }))).rejects.toThrow(/pooling_mode_max_tokens is not supported/);
    const dotModel = writeModelFolder(path.join(root, 'dot'), { pooling: 'cls', normalize: false, sentenceTransformersConfig: { similarity_fn_name: 'dot' } });
    await expect(load(dotModel)).rejects.toThrow(/dot-product/);
    const noTokenizer = writeModelFolder(path.join(root, 'no-tokenizer'), { pooling: 'cls' });
    fs.rmSync(path.join(noTokenizer, 'tokenizer.json'));
    await expect(load(noTokenizer)).rejects.toThrow(/no tokenizer\.json/);
  });

  it('serves semantic search through the search service with EMBEDDER=onnx, queries prompted as the folder says', async () => {
    const database = await createTestDatabase('sqlite');
    const paper = (id: string, title: string, abstract: string): Paper => ({
      id,
      version: 1,
      title,
      abstract,
      authors: [],
      categories: ['cs.LG'],
      submittedAt: null,
      updatedAt: null,
      announcedOn: '2025-02-03',
      versions: [],
      comments: null,
      journalRef: null,
      doi: null,
      license: null,
      codeUrl: null,
      projectUrl: null,
    });
    await upsertPapers(database, [
      paper('2502.00001', 'graph', 'graph graph'),
      paper('2502.00002', 'diffusion', 'diffusion'),
      paper('2502.00003', 'image', 'image image'),
    ]);
    const service = new DatabaseSearchService(database, {
      dataDir: tempDir(),
      embedder: 'onnx',
      onnxModelDir: bge,
      refreshIntervalMs: Number.MAX_SAFE_INTEGER,
      minRebuildIntervalMs: 0,
      trainIfMissing: false,
    });
    try {
      await service.refresh();
      expect(service.embedder?.id).toMatch(/tiny-bge.*cls/);
      // The query prompt "image " is put before the query: "neural" alone would be nearest to no paper in particular.
      const { hits } = await service.search('neural', { mode: 'semantic', limit: 3 });
      const [prompted] = await (service.embedder as OnnxEmbedder).embedQueries(['neural']);
      const papers = await service.embedder!.embed(['graph. graph graph', 'diffusion. diffusion', 'image. image image']);
      const cosines = papers.map((v) => v.reduce((a, x, i) => a + x * prompted[i], 0));
      const expectedOrder = ['2502.00001', '2502.00002', '2502.00003']
        .map((id, i) => [id, cosines[i]] as const)
        .sort((a, b) => b[1] - a[1])
        .map(([id]) => id);
      expect(hits.map((h) => h.id)).toEqual(expectedOrder);
      expect(hits[0].id).toBe('2502.00003');
    } finally {
      await service.close();
      await database.drop();
    }
  });
});
