import fs from 'node:fs';
import zlib from 'node:zlib';
import { bibtexFor } from './src/domain/bibtex.ts';
import { normalizePaper } from './src/domain/paper.ts';
import { readWithCitationJs, readWithRetorquere } from './test/helpers/bibtex-readers.ts';
import * as rbp from '@retorquere/bibtex-parser';
const dir = '/work/shared/data/arxiv-daily-listings/days/';
const papers = new Map();
for (const f of fs.readdirSync(dir)) for (const line of zlib.gunzipSync(fs.readFileSync(dir + f)).toString().split('\n')) { if (!line) continue; const r = JSON.parse(line); if (papers.has(r.id)) continue; try { papers.set(r.id, normalizePaper({ id: r.id, title: r.title, abstract: r.summary, authors: r.authors, categories: r.categories })); } catch {} }
const list = [...papers.values()];
console.log('papers', list.length);
let t = performance.now();
const bibs = list.map(bibtexFor);
console.log('bibtexFor', (performance.now() - t).toFixed(0), 'ms');
for (const opts of [{ english: false }, { english: false, caseProtection: false }]) {
  t = performance.now();
  const r = rbp.parse(bibs.slice(0, 5000).join('\n'), { ...opts, unsupported: (_n: unknown, tex: string) => tex } as any);
  console.log(JSON.stringify(opts), 5000, (performance.now() - t).toFixed(0), 'ms', r.errors.length, r.entries[7].fields.title);
}
t = performance.now();
let n = 0;
for (let i = 0; i < bibs.length; i += 2000) n += readWithCitationJs(bibs.slice(i, i + 2000).join('\n')).length;
console.log('citation-js all', n, (performance.now() - t).toFixed(0), 'ms');
