// Fuzz: RSS 2.0, Atom and JSON Feed (src/web/http/feeds.ts) stay well-formed for any title, abstract, author and
// category a paper may carry: control characters, `]]>`, markup, LaTeX, emoji and lone surrogates included. XML is
// checked with a strict parser (fast-xml-parser's validator) and read back; JSON Feed parses and keeps the text.
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderFeed, type FeedDocument, type FeedItem } from '../../src/web/http/feeds.ts';
import { bounded, hasLoneSurrogate, HOSTILE_PIECES } from './bounds.ts';

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'grapheme', maxLength: 20 })), { maxLength: 30 }).map((p) => p.join('')),
);

const item: fc.Arbitrary<FeedItem> = fc.record({
  id: fc.constantFrom('https://papers.example/papers/2506.00001', 'https://papers.example/papers/hep-th/9901001'),
  url: fc.constant('https://papers.example/papers/2506.00001'),
  title: text,
  summary: text,
  authors: fc.array(text, { maxLength: 4 }),
  published: fc.constant('2025-06-02T08:00:00Z'),
  updated: fc.constant('2025-06-03T08:00:00Z'),
  categories: fc.array(text, { maxLength: 3 }),
  externalUrl: fc.option(fc.constant('https://arxiv.org/pdf/2506.00001?a=1&b=2'), { nil: undefined }),
});

const documents: fc.Arbitrary<FeedDocument> = fc.record({
  title: text,
  description: text,
  homePageUrl: fc.constant('https://papers.example/papers/date/2025-06-02?category=cs.CV&p=1'),
  items: fc.array(item, { maxLength: 5 }),
  updated: fc.constant(null),
});

const inputSize = (doc: FeedDocument) => JSON.stringify(doc).length;
// Escaping turns one character into at most six (&quot;), three formats' fixed parts add a few kilobytes.
const BOUNDS = { ms: 1_000, perInputChar: 8, constant: 4_000 };

describe('feed rendering', () => {
  it('RSS and Atom are well-formed XML that reads back, for any text', () => {
    const parser = new XMLParser({ ignoreAttributes: false, processEntities: true });
    fc.assert(
      fc.property(documents, fc.constantFrom('rss' as const, 'atom' as const), (doc, format) => {
        const xml = bounded(
          'x'.repeat(inputSize(doc)),
          BOUNDS,
          () => renderFeed(format, doc, 'https://papers.example/feeds/daily/rss.xml?a=1&b=2'),
          (s) => s.length,
        );
        const valid = XMLValidator.validate(xml);
        expect(valid, typeof valid === 'object' ? JSON.stringify(valid.err) : '').toBe(true);
        // Nothing XML 1.0 forbids, even escaped (C0 controls, U+FFFE/FFFF, lone surrogates).
        expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|&#(0|x0);/);
        expect(hasLoneSurrogate(xml)).toBe(false);
        const parsed = parser.parse(xml);
        expect(parsed[format === 'rss' ? 'rss' : 'feed']).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });

  it('JSON Feed is valid JSON that keeps every title', () => {
    fc.assert(
      fc.property(documents, (doc) => {
        const json = bounded(
          'x'.repeat(inputSize(doc)),
          BOUNDS,
          () => renderFeed('json', doc, 'https://papers.example/feeds/daily/feed.json'),
          (s) => s.length,
        );
        const parsed = JSON.parse(json);
        expect(parsed.version).toBe('https://jsonfeed.org/version/1.1');
        expect(parsed.items).toHaveLength(doc.items.length);
        expect(hasLoneSurrogate(json)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
