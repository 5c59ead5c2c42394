// Fuzzing every parser of outside input (fast-check): arbitrary text and mutations of real-shaped inputs (the
// fixtures) must never throw anything but the module's documented error types, never hang (inputs are bounded
// and each case gets a generous time bound, a hang detector rather than a speed test), and never yield a
// record that fails validation. FUZZ_RUNS sets the runs per property (`npm run test:fuzz` runs many more).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatArxivId, InvalidArxivIdError, parseArxivId } from '../../src/domain/arxiv-id.ts';
import { renderCommentMarkdown } from '../../src/domain/markdown.ts';
import { normalizePaper, PAPER_LIMITS, type PaperInput } from '../../src/domain/paper.ts';
import { parseAtomFeed } from '../../src/ingest/formats/arxiv-atom.ts';
import { parseArxivRss } from '../../src/ingest/formats/arxiv-rss.ts';
import { forenamesFirst, splitAuthorList, unglueAuthorNames } from '../../src/ingest/formats/authors.ts';
import { parseListingLine } from '../../src/ingest/formats/daily-listing.ts';
import { HfDailyReader, type HfDailyResult } from '../../src/ingest/formats/hf-daily.ts';
import { parseKaggleLine } from '../../src/ingest/formats/kaggle-snapshot.ts';
import { parseOaiPmhResponse } from '../../src/ingest/formats/oai-pmh.ts';
import { readFixture } from '../helpers/fixtures.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const CASE_TIME_BOUND_MS = 5_000;
const RECORD_ERRORS = new Set(['RecordError', 'InvalidPaperError', 'InvalidArxivIdError']);

/** Runs one case; fails when it throws an undocumented error or takes longer than the bound. */
function fuzzCase<T>(documented: Set<string>, work: () => T): T | null {
  const started = performance.now();
  try {
    return work();
  } catch (e) {
    if (!(e instanceof Error) || !documented.has(e.name)) throw e;
    return null;
  } finally {
    expect(performance.now() - started, 'one fuzz case').toBeLessThan(CASE_TIME_BOUND_MS);
  }
}

/** A record that came out of a parser validates, or is refused with a documented reason. */
function validates(input: PaperInput) {
  const paper = fuzzCase(RECORD_ERRORS, () => normalizePaper(input));
  if (!paper) return;
  expect(paper.title.length).toBeGreaterThan(0);
  expect(paper.title.length).toBeLessThanOrEqual(PAPER_LIMITS.title);
  expect(paper.authors.every((a) => a.length > 0 && a.length <= PAPER_LIMITS.authorName)).toBe(true);
  expect(parseArxivId(paper.id).id).toBe(paper.id);
}

// Characters that matter to the formats (markup, JSON, TeX, whitespace, odd Unicode) and some plain ones.
const SPECIALS = [...'<>&;"\'{}[]:,\\/$%#_~^*`()!|-=+.\n\t\r 0aZ'].concat([
  '\u0000',
  '\uFEFF',
  '\uD800',
  'é',
  '𝒳',
  '&amp;',
  '&nbsp;',
  '<!DOCTYPE',
  ']]>',
  '<![CDATA[',
  'null',
  'true',
  '1e999',
  '"id"',
  '"title"',
]);
const noise = fc.string({ unit: fc.constantFrom(...SPECIALS), maxLength: 300 });

/** A real-shaped input with a few random edits: insertions of noise, deletions, duplications. */
function mutated(seed: string) {
  const edit = fc.record({ at: fc.nat({ max: seed.length }), cut: fc.nat({ max: 40 }), insert: noise, repeat: fc.boolean() });
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) =>
    edits.reduce((s, { at, cut, insert, repeat }) => {
      const i = Math.min(at, s.length);
      return s.slice(0, i) + (repeat ? s.slice(i, i + cut).repeat(3) : insert) + s.slice(i + cut);
    }, seed),
  );
}

const documentOrNoise = (seed: string) => fc.oneof(noise, mutated(seed));

describe('import format parsers under fuzzing', () => {
  it('Kaggle snapshot lines', () => {
    const seed = readFixture('kaggle-snapshot.jsonl').split('\n')[0];
    fc.assert(
      fc.property(documentOrNoise(seed), (line) => {
        const input = fuzzCase(RECORD_ERRORS, () => parseKaggleLine(line));
        if (input) validates(input);
      }),
      { numRuns: RUNS },
    );
  });

  it('daily listing lines', () => {
    const seed = readFixture('listings/2025-03-18.jsonl').split('\n')[0];
    fc.assert(
      fc.property(documentOrNoise(seed), (line) => {
        const input = fuzzCase(RECORD_ERRORS, () => parseListingLine(line, '2025-03-18'));
        if (input) validates(input);
      }),
      { numRuns: RUNS },
    );
  });

  const xmlFormats: [string, string, (xml: string) => PaperInput[]][] = [
    ['OAI-PMH', 'oai-dc-page.xml', (xml) => parseOaiPmhResponse(xml).records.flatMap((r) => (r.paper ? [r.paper] : []))],
    ['OAI-PMH arXiv formats', 'oai-arxiv-formats.xml', (xml) => parseOaiPmhResponse(xml).records.flatMap((r) => (r.paper ? [r.paper] : []))],
    ['Atom', 'atom-page.xml', (xml) => parseAtomFeed(xml).entries],
  ];
  it.each(xmlFormats)('%s responses', (_name, fixture, parse) => {
    fc.assert(
      fc.property(documentOrNoise(readFixture(fixture)), (xml) => {
        for (const input of fuzzCase(new Set(['UnusableInputError']), () => parse(xml)) ?? []) validates(input);
      }),
      { numRuns: RUNS },
    );
  });

  it('arXiv RSS feeds', () => {
    const seed = `<?xml version="1.0"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" version="2.0"><channel><title>cs.CL updates</title><pubDate>Tue, 26 Mar 2024 00:00:00 -0400</pubDate><item><title>A Title</title><description>arXiv:2403.12345v1 Announce Type: new Abstract: We study x &amp; y.</description><guid>oai:arXiv.org:2403.12345v1</guid><category>cs.CL</category><pubDate>Tue, 26 Mar 2024 00:00:00 -0400</pubDate><arxiv:announce_type>new</arxiv:announce_type><dc:creator>A. One, B. Two</dc:creator></item></channel></rss>`;
    expect(parseArxivRss(seed).items).toHaveLength(1);
    fc.assert(
      fc.property(documentOrNoise(seed), (xml) => {
        const feed = fuzzCase(new Set(['UnusableInputError']), () => parseArxivRss(xml));
        for (const item of feed?.items ?? []) validates(item.paper);
      }),
      { numRuns: RUNS },
    );
  });

  it('Hugging Face daily JSON, split into chunks anywhere', () => {
    fc.assert(
      fc.property(documentOrNoise(readFixture('hf/2025-06-02.json')), fc.array(fc.nat(), { maxLength: 5 }), (json, cuts) => {
        const bytes = Buffer.from(json, 'utf8');
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const results = fuzzCase(new Set(['UnusableInputError']), () => {
          const reader = new HfDailyReader('2025-06-02');
          const out: HfDailyResult[] = [];
          let from = 0;
          for (const to of [...points, bytes.length]) {
            out.push(...reader.write(bytes.subarray(from, to)));
            from = to;
          }
          reader.end();
          return out;
        });
        for (const r of results ?? []) if ('paper' in r) validates(r.paper);
      }),
      { numRuns: RUNS },
    );
  });

  it('author strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(noise, mutated('C. Bal\\\'azs, M{\\"u}ller (MIT, USA) and \\v{S}koda, Xiangyu Kongand Xiaoxia Xingand Fan Wangand Ann Lee')),
        (authors) => {
          const names = fuzzCase(new Set<string>(), () => unglueAuthorNames(splitAuthorList(authors)).map(forenamesFirst));
          for (const name of names ?? []) expect(name.trim()).not.toBe('');
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('arXiv ids under fuzzing', () => {
  it('parse or refuse with InvalidArxivIdError, and a parsed id formats back to itself', () => {
    const realShaped = fc.oneof(
      fc
        .tuple(
          fc.integer({ min: 0, max: 99 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 99999 }),
          fc.option(fc.integer({ min: 0, max: 2000 })),
        )
        .map(([yy, mm, n, v]) => `${String(yy).padStart(2, '0')}${String(mm).padStart(2, '0')}.${n}${v === null ? '' : `v${v}`}`),
      mutated('https://arxiv.org/abs/hep-th/9901001v2'),
      mutated('arXiv:2406.01234v3'),
      noise,
    );
    fc.assert(
      fc.property(realShaped, (input) => {
        const id = fuzzCase(new Set(['InvalidArxivIdError']), () => parseArxivId(input));
        if (id) expect(parseArxivId(formatArxivId(id))).toEqual(id);
        else expect(() => parseArxivId(input)).toThrow(InvalidArxivIdError);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'em', 'code', 'pre', 'a']);

/** Checks that the only tags are the allowed ones and that they nest and close properly. */
function wellFormed(html: string) {
  const open: string[] = [];
  for (const [, closing, name, attributes] of html.matchAll(/<(\/?)([a-z]+)([^>]*)>/g)) {
    expect(ALLOWED_TAGS.has(name), `tag <${name}>`).toBe(true);
    if (name === 'br') continue;
    if (closing) expect(open.pop(), `</${name}>`).toBe(name);
    else {
      if (name === 'a') expect(attributes).toMatch(/^ href="https?:\/\/[^"]*" rel="nofollow ugc noopener"$/);
      else expect(attributes).toBe('');
      open.push(name);
    }
  }
  expect(open).toEqual([]);
}

describe('comment Markdown under fuzzing', () => {
  const markdownish = fc.string({
    unit: fc.constantFrom(
      ...'*_`[]()<>&"\' \n!#-:/.aZ'.split(''),
      '**',
      '```',
      'https://',
      'javascript:',
      'JaVaScRiPt:',
      'data:',
      '<script>',
      'onerror=',
      '](',
      '\u2028',
    ),
    maxLength: 400,
  });

  it('never emits a script, an event handler or a javascript: URL, and always well-formed HTML', () => {
    fc.assert(
      fc.property(markdownish, (source) => {
        const html = fuzzCase(new Set<string>(), () => renderCommentMarkdown(source))!;
        // As text "javascript:" or "onerror=" is harmless: wellFormed admits no attribute but the fixed rel and an
        // href, and every href must be an http(s) URL.
        expect(html).not.toMatch(/<script/i);
        wellFormed(html);
        for (const [, href] of html.matchAll(/<a href="([^"]*)"/g)) {
          expect(new URL(href.replace(/&amp;/g, '&').replace(/&quot;/g, '"')).protocol).toMatch(/^https?:$/);
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
