// Small hand-written input files shaped like the real sources in ../shared/data.
import fs from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/ingest');

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

export function readFixture(name: string): string {
  return fs.readFileSync(fixturePath(name), 'utf8');
}
