// ../shared/data holds real third-party data. A fresh clone without it still passes: every area has tests on the
// committed fixtures (test/fixtures/), and the tests that need the real data skip with a message saying so.
// PAPERFEED_SHARED_DATA points at the data elsewhere, or hides it with `none` (to check what runs without it).
import fs from 'node:fs';
import path from 'node:path';

const configured = process.env.PAPERFEED_SHARED_DATA;

export const SHARED_DATA = configured && configured !== 'none' ? path.resolve(configured) : path.resolve(import.meta.dirname, '../../../shared/data');
export const hasSharedData = configured !== 'none' && fs.existsSync(SHARED_DATA);

if (!hasSharedData && !process.env.PAPERFEED_SHARED_NOTICE_SHOWN) {
  process.env.PAPERFEED_SHARED_NOTICE_SHOWN = '1';
  const why = configured === 'none' ? 'PAPERFEED_SHARED_DATA=none' : `${SHARED_DATA} is absent`;
  console.warn(`${why}: tests on the real shared data are skipped; their variants on test/fixtures run.`);
}

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DATA, ...parts);
}
