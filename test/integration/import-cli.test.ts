// `paperfeed import` as an operator runs it: a child process, its exit codes and its summary.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/main.ts';
import { createTestDatabase, tempDir, type TestDatabase } from '../helpers/db.ts';
import { FIXTURES, fixturePath } from '../helpers/fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/paperfeed.js');
const run = promisify(execFile);

let store: TestDatabase;
beforeAll(async () => {
  store = await createTestDatabase('sqlite');
});
afterAll(async () => store?.drop());

/** The environment of an operator's shell pointed at the test store (vitest sets BASE_URL=/ for Vite; that is not ours). */
function storeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env, ...store.env };
  delete env.BASE_URL;
  delete env.DATABASE_URL;
  return env;
}

async function paperfeed(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = storeEnv();
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('paperfeed import (child process)', () => {
  it('imports a folder, prints the summary, and `stats --json` agrees', async () => {
    const result = await paperfeed('import', FIXTURES);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^inserted +11$/m);
    expect(result.stdout).toMatch(/^errors +2$/m);
    expect(result.stdout).toMatch(/^unusable +3 files:$/m);
    expect(result.stdout).toContain('2024-12-11.json: a list of strings (Python reprs?), not daily_papers API JSON');
    expect(result.stdout).toMatch(/record 3: paper has no id/);
    const stats = await paperfeed('stats', '--json');
    expect(JSON.parse(stats.stdout)).toMatchObject({ papers: 11, dailyEntries: 2 });
  });

  it('prints a JSON summary; re-importing changes nothing', async () => {
    const result = await paperfeed('import', '--json', fixturePath('listings'));
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ ok: true, read: 3, inserted: 0, updated: 0, unchanged: 2, merged: 1, errors: 0, formats: { listing: 2 } });
  });

  it('exits 1 when nothing could be imported, 1 for a missing path or an unknown format, 2 for a bad option', async () => {
    const dir = tempDir();
    const bad = path.join(dir, '2025-03-30.jsonl');
    fs.writeFileSync(bad, '{"id": "abc", "title": "t", "summary": "s", "authors": []}\nnot json\n');
    const nothing = await paperfeed('import', '--format', 'listing', bad);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('nothing could be imported');
    expect(nothing.stdout).toMatch(/line 1: not an arXiv id: "abc"/);
    expect(nothing.stdout).toMatch(/line 2: invalid JSON/);

    const missing = await paperfeed('import', path.join(dir, 'missing.jsonl'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file or folder: .*missing\.jsonl/);

    const readme = path.join(dir, 'notes.txt');
    fs.writeFileSync(readme, 'hello\n');
    const unknown = await paperfeed('import', readme);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown format: .*notes\.txt \(use --format/);

    const option = await paperfeed('import', '--format', 'csv', readme);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown --format "csv"/);
    expect((await paperfeed('import')).code).toBe(2);
  });
});

describe('paperfeed import progress', () => {
  it('rewrites one status line on a terminal and clears it before the summary', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[], isTTY: boolean) =>
      Object.assign(new Writable({ write: (chunk, _enc, done) => (into.push(String(chunk)), done()) }), { isTTY });
    const code = await main(['import', fixturePath('listings')], { stdout: sink(out, false), stderr: sink(err, true), env: storeEnv() });
    expect(code).toBe(0);
    const progress = err.join('');
    expect(progress).toMatch(/\r\x1b\[K\[1\/2\] 2025-03-18\.jsonl {2}read 0/);
    expect(progress.endsWith('\r\x1b[K')).toBe(true);
    expect(out.join('')).toMatch(/^read +3$/m);
  });
});
