import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listInputFiles, peekText, readLineChunks, readWholeText } from '../../../src/ingest/files.ts';
import { tempDir } from '../../helpers/db.ts';

async function allLines(file: string): Promise<{ lines: string[]; numbers: number[] }> {
  const lines: string[] = [];
  const numbers: number[] = [];
  for await (const chunk of readLineChunks(file)) {
    chunk.lines.forEach((l, i) => {
      lines.push(l);
      numbers.push(chunk.firstLine + i);
    });
  }
  return { lines, numbers };
}

describe('reading import files', () => {
  // Several 1 MB read blocks of lines full of multi-byte characters, so block edges fall inside characters.
  const expected = Array.from({ length: 9_000 }, (_, i) => `${i} Müller–Šťastný 数学 ${'é'.repeat(i % 300)} 😀`);
  const text = expected.join('\n') + '\n';

  it('splits plain and gzipped files into the same lines, numbered from 1, across block boundaries', async () => {
    const dir = tempDir();
    const plain = path.join(dir, 'a.jsonl');
    const gz = path.join(dir, 'b.jsonl.gz');
    fs.writeFileSync(plain, text);
    fs.writeFileSync(gz, zlib.gzipSync(text));
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * 1024 * 1024);
    for (const file of [plain, gz]) {
      const { lines, numbers } = await allLines(file);
      expect(lines).toEqual(expected);
      expect(numbers.slice(0, 3)).toEqual([1, 2, 3]);
      expect(numbers.at(-1)).toBe(9_000);
    }
    expect(await readWholeText(gz, 64 << 20)).toBe(text);
    await expect(readWholeText(gz, 1024)).rejects.toThrow(/larger than 1024 bytes/);
    const head = await peekText(gz, 4096);
    expect(text.startsWith(head)).toBe(true);
    expect(head.length).toBeGreaterThan(1000);
  });

  it('yields a last line without a newline, and nothing for an empty file', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'x.jsonl'), 'a\nb');
    fs.writeFileSync(path.join(dir, 'empty.jsonl'), '');
    expect((await allLines(path.join(dir, 'x.jsonl'))).lines).toEqual(['a', 'b']);
    expect((await allLines(path.join(dir, 'empty.jsonl'))).lines).toEqual([]);
  });

  it('walks folders recursively in sorted order, considering only data files', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'b'));
    for (const f of ['b/2.jsonl', 'a.xml.gz', 'README.md', 'c.json', 'b/1.JSON']) fs.writeFileSync(path.join(dir, f), '');
    expect(listInputFiles([dir]).map((f) => path.relative(dir, f.path))).toEqual(['a.xml.gz', 'b/1.JSON', 'b/2.jsonl', 'c.json']);
    expect(listInputFiles([path.join(dir, 'README.md')])).toEqual([{ path: path.join(dir, 'README.md'), named: true }]);
    expect(() => listInputFiles([path.join(dir, 'nope')])).toThrow(/no such file or folder/);
  });
});
