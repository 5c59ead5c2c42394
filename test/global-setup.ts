// One temporary folder per test run: test helpers make their directories inside it (SQLite templates, data dirs),
// and it is removed when the run ends. Worker processes are stopped without running exit handlers, so they
// cannot clean up after themselves. In CI, a run that would skip the PostgreSQL or browser tests fails here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM } from './helpers/browser.ts';
import { inCi, skippedRequirements } from './helpers/ci.ts';

export default async function setup(): Promise<() => void> {
  if (inCi) {
    const missing = await skippedRequirements(process.env.PAPERFEED_TEST_PG_URL, CHROMIUM);
    if (missing.length) throw new Error(`CI=true, but ${missing.join('; ')}. CI must run every PostgreSQL and browser test.`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperfeed-tests-'));
  process.env.PAPERFEED_TEST_TMP = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
