// The share card PNG (resvg) and the Highwire citation tags a paper page carries for Google Scholar and Zotero.
import zlib from 'node:zlib';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { citationMetaTags } from '../../src/domain/citation-meta.ts';
import { CitationMeta } from '../../src/web/components/citation-meta.tsx';
import { shareCardPng, shareCardSvg, SHARE_IMAGE_HEIGHT, SHARE_IMAGE_WIDTH, type ShareCard } from '../../src/web/components/share-image.ts';

const card = (over: Partial<ShareCard> = {}): ShareCard => ({
  id: '2504.17343',
  title: 'TimeChat-Online: 80% Visual Tokens are Naturally Redundant in Streaming Videos',
  authors: ['Linli Yao', 'Yicheng Li', 'Roberto M. Cesar Jr.'],
  publishedOn: '2025-04-24',
  upvotes: 42,
  ...over,
});

/** Width, height, bit depth and colour type from the IHDR chunk, after checking the signature and chunk CRCs. */
function decodePng(png: Buffer) {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `CRC of ${type}`).toBe(zlib.crc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push({ type, data });
    at += 12 + length;
  }
  expect(chunks[0].type).toBe('IHDR');
  expect(chunks.at(-1)!.type).toBe('IEND');
  const ihdr = chunks[0].data;
  const pixels = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  return { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), bitDepth: ihdr[8], colourType: ihdr[9], pixels };
}

/** The SVG's title lines, as drawn. */
function titleLines(svg: string): string[] {
  return [...svg.matchAll(/font-weight="700">([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('shareCardPng', () => {
  it('renders a real card as a valid 1200×630 PNG with text on it', () => {
    const png = decodePng(shareCardPng(card()));
    expect([png.width, png.height]).toEqual([SHARE_IMAGE_WIDTH, SHARE_IMAGE_HEIGHT]);
    expect([png.bitDepth, png.colourType]).toEqual([8, 6]);
    // Each row is a filter byte and 1200 RGBA pixels; light text pixels exist on the dark card.
    expect(png.pixels.length).toBe(SHARE_IMAGE_HEIGHT * (1 + SHARE_IMAGE_WIDTH * 4));
    let light = 0;
    for (let i = 0; i < png.pixels.length; i++) if (png.pixels[i] > 200) light++;
    expect(light).toBeGreaterThan(1000);
  });

  it('draws <, & and LaTeX as text, in a well-formed SVG', () => {
    const svg = shareCardSvg(card({ title: 'Why $\\alpha_{1}$ < $\\beta^2$ & <script>alert(1)</script> \\emph{matter}', authors: ['A & B <c>'] }));
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('<script');
    expect(titleLines(svg).join(' ')).toBe('Why α₁ &lt; β² &amp; &lt;script&gt;alert(1)&lt;/script&gt; matter');
    expect(svg).toContain('A &amp; B &lt;c&gt;');
    expect(decodePng(shareCardPng(card({ title: 'Why $\\alpha_{1}$ < $\\beta^2$ &' }))).width).toBe(SHARE_IMAGE_WIDTH);
  });

  it('shrinks a long title, and cuts an endless one with an ellipsis inside the card', () => {
    const long = card({ title: 'Scaling Laws for Neural Language Models Revisited: '.repeat(5) });
    const lines = titleLines(shareCardSvg(long));
    expect(lines.length).toBeGreaterThan(4);
    expect(shareCardSvg(long)).toMatch(/font-size="(54|46)" font-weight="700"/);
    const endless = titleLines(shareCardSvg(card({ title: `${'word '.repeat(400)}${'x'.repeat(300)}` })));
    expect(endless).toHaveLength(6);
    expect(endless.at(-1)).toMatch(/…$/);
    expect(decodePng(shareCardPng(card({ title: 'x'.repeat(2000) }))).height).toBe(SHARE_IMAGE_HEIGHT);
  });

  it('serves a repeated card from its cache and renders a changed one anew', () => {
    const first = shareCardPng(card({ upvotes: 7 }));
    expect(shareCardPng(card({ upvotes: 7 }))).toBe(first);
    expect(shareCardPng(card({ upvotes: 8 }))).not.toBe(first);
  });
});

describe('citation meta tags', () => {
  const paper = {
    id: '2402.01555',
    title: 'SLYKLatent with $\\alpha$-divergence',
    authors: ['Samuel Adebayo', "Se\\'an McLoone", '\\\\Ajinkya Mulik'],
    abstract: 'Gains of 10.9\\% on <Gaze360>.',
    doi: '10.1000/x',
    submittedAt: null,
    announcedOn: '2025-10-24',
    versions: [],
    updatedAt: '2025-10-23T10:00:00Z',
  };

  it('gives title, each author, the publication date from the id month, the arXiv id and the PDF', () => {
    const tags = citationMetaTags(paper);
    const all = (name: string) => tags.filter((t) => t.name === name).map((t) => t.content);
    expect(all('citation_title')).toEqual(['SLYKLatent with α-divergence']);
    expect(all('citation_author')).toEqual(['Samuel Adebayo', 'Seán McLoone', 'Ajinkya Mulik']);
    expect(all('citation_publication_date')).toEqual(['2024/02/29']);
    expect(all('citation_arxiv_id')).toEqual(['2402.01555']);
    expect(all('citation_pdf_url')).toEqual(['https://arxiv.org/pdf/2402.01555']);
    expect(all('citation_doi')).toEqual(['10.1000/x']);
  });

  it('renders as escaped <meta> elements, every author kept inside <head>', () => {
    // Outside a <head>, hono/jsx hoists <meta> and keeps one per name: the tags belong in the page head.
    const html = String(
      <head>
        <CitationMeta paper={paper} />
      </head>,
    );
    expect(html).toContain('<meta name="citation_abstract" content="Gains of 10.9% on &lt;Gaze360&gt;."/>');
    expect(html.match(/<meta name="citation_author"/g)).toHaveLength(3);
  });
});
