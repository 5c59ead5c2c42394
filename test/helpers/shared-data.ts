// ../shared/data holds real third-party data. A fresh clone without it still passes: tests that need it
// skip with a message saying so.
import fs from 'node:fs';
import path from 'node:path';

export const SHARED_DATA = path.resolve(import.meta.dirname, '../../../shared/data');
export const hasSharedData = fs.existsSync(SHARED_DATA);

if (!hasSharedData) console.warn(`${SHARED_DATA} is absent: tests that read the real shared data are skipped.`);

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DATA, ...parts);
}
