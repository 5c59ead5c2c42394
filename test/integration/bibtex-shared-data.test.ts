// bibtexFor on the real papers of ../shared/data, read back by two independent BibTeX readers: each entry must
// parse, and its title and authors must come back as the paper has them. Every paper whose title or authors
// hold something BibTeX treats specially (a TeX special character, a backslash, a suffix, an organisation,
// a comma) is checked, with every 10th paper with other non-ASCII text and every 500th of the rest; set
// PAPERFEED_BIBTEX_EVERY_PAPER=1 to check all of them (minutes).
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bibtexFor, bibtexName } from '../../src/domain/bibtex.ts';
import { normalizePaper, type Paper, type PaperInput } from '../../src/domain/paper.ts';
import { splitMath, texToPlainText } from '../../src/domain/tex.ts';
import { parseListingLine } from '../../src/ingest/formats/daily-listing.ts';
import { parseHfDailyResponse } from '../../src/ingest/formats/hf-daily.ts';
import { readWithCitationJs, readWithRetorquere, type ReadEntry } from '../helpers/bibtex-readers.ts';
import { hasSharedData, sharedPath } from '../helpers/shared-data.ts';

const EVERY_PAPER = process.env.PAPERFEED_BIBTEX_EVERY_PAPER === '1';
const HARD =
  /[\\$%&#_~^{}]|(?:^|\s)(?:Jr\.?|Sr\.?|II|III|IV|Team|Group|Collaboration|Consortium|Labs?|Laboratory|Institute|University|Research|AI|Inc\.?)(?=$|[\s.,])|,/;

/** The listing papers and the Hugging Face papers, one record per id, read by the importer's own parsers. */
function realPapers(): Paper[] {
  const byId = new Map<string, Paper>();
  const keep = (input: PaperInput) => {
    try {
      const p = normalizePaper(input);
      if (!byId.has(p.id)) byId.set(p.id, p);
    } catch {
      // Records the importer refuses (a bad id, an over-long field) are not papers here either.
    }
  };
  const listings = sharedPath('arxiv-daily-listings', 'days');
  for (const file of fs.readdirSync(listings).sort()) {
    for (const line of zlib
      .gunzipSync(fs.readFileSync(`${listings}/${file}`))
      .toString('utf8')
      .split('\n')) {
      if (line.trim()) keep(parseListingLine(line, file.slice(0, 10)));
    }
  }
  const hf = sharedPath('hf-daily-papers-api', 'days');
  for (const file of fs.readdirSync(hf).sort()) {
    try {
      for (const item of parseHfDailyResponse(zlib.gunzipSync(fs.readFileSync(`${hf}/${file}`)).toString('utf8'), file.slice(0, 10))) {
        if ('paper' in item) keep(item.paper);
      }
    } catch {
      // The crawls that are not API JSON.
    }
  }
  return [...byId.values()];
}

function selected(papers: Paper[]): Paper[] {
  if (EVERY_PAPER) return papers;
  let nonAscii = 0;
  return papers.filter((p, i) => {
    const text = `${p.title} ${p.authors.join(' ')}`;
    if (HARD.test(p.title) || p.authors.some((a) => HARD.test(a))) return true;
    if (/[^\x00-\x7f]/.test(text)) return nonAscii++ % 10 === 0;
    return i % 500 === 0;
  });
}

/** The title's text outside math, as a reader should print it; math is the reader's to render. */
function expectedTitlePieces(title: string): string[] {
  return splitMath(title)
    .flatMap((s) => ('text' in s ? [texToPlainText(s.text).trim()] : []))
    .filter(Boolean)
    .map(ligatures);
}

/** TeX's dash and quote ligatures, which readers print as the characters they stand for (or not). */
function ligatures(s: string): string {
  return s
    .replace(/---/g, '—')
    .replace(/--/g, '–')
    .replace(/[“”]|``|''/g, '"');
}

function titleProblem(read: ReadEntry, title: string): string | null {
  const got = ligatures(read.title.replace(/\s+/g, ' ').trim());
  let at = 0;
  for (const piece of expectedTitlePieces(title)) {
    const found = got.indexOf(piece, at);
    if (found < 0) return `title ${JSON.stringify(got)} lacks ${JSON.stringify(piece)}`;
    at = found + piece.length;
  }
  return null;
}

// Readers differ on `--` in a name (one prints the TeX en dash, one a hyphen), and on a hyphen before a space
// ("García- Tejedor", a typo in the data: one joins the words as BibTeX does); any dash is a dash, joined here.
const words = (name: string) => ligatures(name).replace(/–/g, '-').replace(/-\s+/g, '-').split(/\s+/).filter(Boolean).sort().join(' ');

function authorsProblem(read: ReadEntry, authors: string[]): string | null {
  const expected = authors.flatMap((a) => (bibtexName(a) ? [words(texToPlainText(a).replace(/,/g, ' '))] : []));
  if (read.authors.length !== expected.length) return `${read.authors.length} authors read, ${expected.length} written`;
  for (const [i, a] of read.authors.entries()) {
    if (words([a.given, a.family, a.suffix, a.literal].join(' ')) !== expected[i])
      return `author ${i + 1}: ${JSON.stringify(a)} for ${JSON.stringify(authors[i])}`;
  }
  return null;
}

type Reader = (bib: string) => ReadEntry[];
const READERS: [string, Reader][] = [
  ['retorquere', readWithRetorquere],
  ['citation-js', readWithCitationJs],
];

/** The same paper with each math span of its title replaced by `$x$`. */
function withPlainMath(p: Paper): Paper {
  return {
    ...p,
    title: splitMath(p.title)
      .map((s) => ('text' in s ? s.text : '$x$'))
      .join(''),
  };
}

describe.skipIf(!hasSharedData)('BibTeX of the real papers in ../shared/data', () => {
  it(`reads back with title and authors in @retorquere/bibtex-parser and citation-js (${EVERY_PAPER ? 'every paper' : 'the hard papers and a sample'})`, () => {
    const papers = selected(realPapers());
    expect(papers.length).toBeGreaterThan(EVERY_PAPER ? 80_000 : 1_000);
    const problems: string[] = [];
    // A reader whose math grammar is narrower than LaTeX's ($\bf{D^3}$) may refuse an entry; that is counted,
    // and the entry must then read back with its math replaced, so only the math, kept as written, is at stake.
    const mathRefusals: string[] = [];
    const check = (reader: string, _read: Reader, p: Paper, entry: ReadEntry) => {
      const problem = titleProblem(entry, p.title) ?? authorsProblem(entry, p.authors);
      if (problem) problems.push(`${reader} ${p.id}: ${problem}`);
    };
    const CHUNK = 250;
    for (let start = 0; start < papers.length; start += CHUNK) {
      const chunk = papers.slice(start, start + CHUNK);
      for (const [reader, read] of READERS) {
        let entries: ReadEntry[] | null = null;
        try {
          entries = read(chunk.map(bibtexFor).join('\n\n'));
        } catch {
          // One entry of the chunk is refused: read them one by one to find it.
        }
        if (entries) {
          expect(entries, reader).toHaveLength(chunk.length);
          entries.forEach((entry, i) => {
            check(reader, read, chunk[i], entry);
          });
          continue;
        }
        for (const p of chunk) {
          try {
            check(reader, read, p, read(bibtexFor(p))[0]);
          } catch (e) {
            const plain = withPlainMath(p);
            if (plain.title === p.title) problems.push(`${reader} ${p.id}: refused: ${(e as Error).message.split('\n')[0]}`);
            else {
              mathRefusals.push(`${reader} ${p.id}`);
              check(reader, read, plain, read(bibtexFor(plain))[0]);
            }
          }
        }
      }
    }
    console.log(
      `${papers.length} papers checked; entries a reader refused for their title's math: ${mathRefusals.length} (${mathRefusals.slice(0, 5).join(', ')})`,
    );
    expect(problems.slice(0, 20)).toEqual([]);
  }, 1_800_000);
});
