// One temporary folder per test run: test helpers make their directories inside it (SQLite templates, data dirs),
// and it is removed when the run ends. Worker processes are stopped without running exit handlers, so they
// cannot clean up after themselves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperfeed-tests-'));
  process.env.PAPERFEED_TEST_TMP = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
