// The ONNX embedder's loading code, end to end through @huggingface/transformers and onnxruntime-node, with a
// model this test writes itself (nothing is downloaded): an ONNX graph whose only node gathers rows of an
// embedding table (so "last_hidden_state" of a token is its row), a word-level tokenizer.json and config.json.
// Mean pooling and normalisation are then checkable by hand.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEmbedder } from '../../../src/search/semantic/onnx-embedder.ts';
import { loadEmbedder } from '../../../src/search/semantic/prepare.ts';
import { tempDir } from '../../helpers/db.ts';

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

const FLOAT = 1;
const INT64 = 7;

function tensorType(elemType: number, dims: string[], fixed: number[] = []): number[] {
  const dimParts = [...dims.map((d) => msg(1, str(2, d))), ...fixed.map((d) => msg(1, int(1, d)))];
  return msg(2, msg(1, int(1, elemType), msg(2, ...dimParts)));
}

/** ModelProto: last_hidden_state = Gather(table, input_ids), table is vocab×hidden float. */
function gatherModel(table: number[][]): Uint8Array {
  const vocab = table.length;
  const hidden = table[0].length;
  const raw = new Uint8Array(new Float32Array(table.flat()).buffer);
  const node = msg(1, str(1, 'table'), str(1, 'input_ids'), str(2, 'last_hidden_state'), str(4, 'Gather'), msg(5, str(1, 'axis'), int(20, 2), int(3, 0)));
  const initializer = msg(5, int(1, vocab), int(1, hidden), int(2, FLOAT), str(8, 'table'), bytes(9, raw));
  const input = msg(11, str(1, 'input_ids'), tensorType(INT64, ['batch', 'sequence']));
  const output = msg(12, str(1, 'last_hidden_state'), tensorType(FLOAT, ['batch', 'sequence'], [hidden]));
  const graph = msg(7, node, str(2, 'gather'), initializer, input, output);
  return Uint8Array.from([...int(1, 8), ...str(2, 'paperfeed-test'), graph, ...msg(8, str(1, ''), int(2, 13))].flat());
}

const VOCAB = ['[UNK]', '[PAD]', 'graph', 'neural', 'diffusion', 'image'];
const TABLE = [
  [0, 0, 0, 1],
  [0, 0, 0, 0],
  [1, 0, 0, 0],
  [3, 4, 0, 0],
  [0, 0, 2, 0],
  [0, 1, 1, 0],
];

function writeModelFolder(dir: string): void {
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), gatherModel(TABLE));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 4, architectures: ['BertModel'] }));
  fs.writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', model_max_length: 128, pad_token: '[PAD]', unk_token: '[UNK]' }),
  );
  fs.writeFileSync(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: VOCAB.slice(0, 2).map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: null,
      model: { type: 'WordLevel', vocab: Object.fromEntries(VOCAB.map((w, i) => [w, i])), unk_token: '[UNK]' },
    }),
  );
}

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('OnnxEmbedder', () => {
  let dir: string;
  beforeAll(() => {
    dir = path.join(tempDir('paperfeed-onnx-'), 'tiny-encoder');
    writeModelFolder(dir);
  });
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('loads a local model folder and mean-pools and normalises token vectors', async () => {
    const embedder = await OnnxEmbedder.load({ model: dir });
    expect(embedder.dimensions).toBe(4);
    expect(embedder.id).toContain('tiny-encoder');
    const [neural, graphNeural, unknown] = await embedder.embed(['Neural', 'graph neural', 'zebra']);
    expect([...neural].map((x) => +x.toFixed(6))).toEqual(unit([3, 4, 0, 0]).map((x) => +x.toFixed(6)));
    expect([...graphNeural].map((x) => +x.toFixed(6))).toEqual(unit([2, 2, 0, 0]).map((x) => +x.toFixed(6)));
    expect([...unknown].map((x) => +x.toFixed(6))).toEqual([0, 0, 0, 1]);
  });

  it('batches texts of different lengths (padding is masked out of the mean)', async () => {
    const embedder = await OnnxEmbedder.load({ model: dir, batchSize: 2 });
    const out = await embedder.embed(['diffusion', 'diffusion image image', 'graph']);
    expect(out.length).toBe(3);
    expect([...out[0]].map((x) => +x.toFixed(6))).toEqual([0, 0, 1, 0]);
    expect([...out[1]].map((x) => +x.toFixed(6))).toEqual(unit([0, 2, 4, 0]).map((x) => +x.toFixed(6)));
    expect([...out[2]].map((x) => +x.toFixed(6))).toEqual([1, 0, 0, 0]);
  });

  it('is what EMBEDDER=onnx selects; a missing folder fails with a clear error and no download', async () => {
    const chosen = await loadEmbedder({ dataDir: tempDir(), embedder: 'onnx', onnxModelDir: dir, trainIfMissing: false }, []);
    expect(chosen?.dimensions).toBe(4);
    await expect(loadEmbedder({ dataDir: tempDir(), embedder: 'onnx', onnxModelDir: path.join(dir, 'nope'), trainIfMissing: false }, [])).rejects.toThrow(
      /local|not found|nope/i,
    );
    await expect(loadEmbedder({ dataDir: tempDir(), embedder: 'onnx', trainIfMissing: false }, [])).rejects.toThrow(/ONNX_MODEL_DIR/);
  });
});
