// CI must not pass with the PostgreSQL or browser tests skipped: the global setup refuses to start such a run.
// Checked here on the function it calls, and once end to end through a vitest child process.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium } from '../helpers/browser.ts';
import { PG_URL } from '../helpers/db.ts';
import { skippedRequirements } from '../helpers/ci.ts';
import { freePort } from '../helpers/community.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

describe('what CI refuses to skip', () => {
  it('names a missing PostgreSQL URL, a server that does not answer and a missing browser', async () => {
    const port = await freePort();
    expect(await skippedRequirements(undefined, '/nonexistent/chromium')).toEqual([
      expect.stringMatching(/PAPERFEED_TEST_PG_URL is not set/),
      expect.stringMatching(/\/nonexistent\/chromium is absent/),
    ]);
    expect(await skippedRequirements(`postgres://nobody:secret@127.0.0.1:${port}/none`, CHROMIUM)).toEqual([
      expect.stringMatching(/PostgreSQL at PAPERFEED_TEST_PG_URL does not answer \(.*ECONNREFUSED/),
      ...(hasChromium ? [] : [expect.stringMatching(/is absent/)]),
    ]);
  });

  it.runIf(PG_URL && hasChromium)('passes when both are here', async () => {
    expect(await skippedRequirements(PG_URL, CHROMIUM)).toEqual([]);
  });

  it('a CI=true run without PostgreSQL fails before any test, saying why', () => {
    const run = spawnSync(process.execPath, [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', 'test/unit/periods.test.ts'], {
      cwd: REPO,
      // The child is a vitest of its own: none of this worker's VITEST_* variables.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST'))), CI: 'true', PAPERFEED_TEST_PG_URL: '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/CI=true, but PAPERFEED_TEST_PG_URL is not set/);
  });
});
