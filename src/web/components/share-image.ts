// The share card of a paper as a 1200×630 PNG (the size X, Facebook, LinkedIn and Slack show; none of them
// renders SVG). The card is drawn as SVG and rasterised by resvg (@resvg/resvg-js, a prebuilt binary inside
// the npm package) with Noto Sans from an npm package, so nothing is downloaded and no system font is needed.
// resvg does not wrap text: lines are broken here by the fonts' advance widths (opentype.js), and the title
// shrinks before it is cut. Rendering costs tens of milliseconds, so cards are cached by content.
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import opentype, { type Font } from 'opentype.js';
import { texToUnicodeLine } from '../../domain/tex.ts';
import { LruCache } from '../../lru.ts';

export const SHARE_IMAGE_WIDTH = 1200;
export const SHARE_IMAGE_HEIGHT = 630;

export interface ShareCard {
  id: string;
  title: string;
  authors: string[];
  /** YYYY-MM-DD. */
  publishedOn: string | null;
  upvotes: number;
}

const require = createRequire(import.meta.url);
const FONT_FILES = {
  regular: require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'),
};
const FAMILY = 'Noto Sans';

let measurers: { regular: Font; bold: Font } | null = null;

function fonts() {
  measurers ??= {
    regular: opentype.parse(toArrayBuffer(fs.readFileSync(FONT_FILES.regular))),
    bold: opentype.parse(toArrayBuffer(fs.readFileSync(FONT_FILES.bold))),
  };
  return measurers;
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Width in pixels of a line of text: the sum of glyph advances (kerning moves a line by a percent or two). */
function textWidth(font: Font, text: string, size: number): number {
  let units = 0;
  for (const ch of text) units += font.charToGlyph(ch).advanceWidth ?? font.unitsPerEm / 2;
  return (units * size) / font.unitsPerEm;
}

/** How many leading characters of text fit in width (at least one, so that every line makes progress). */
function fittingLength(font: Font, text: string, size: number, width: number): number {
  const chars = [...text];
  let used = 0;
  let count = 0;
  for (const ch of chars) {
    used += textWidth(font, ch, size);
    if (used > width) break;
    count += ch.length;
  }
  return Math.max(count, chars[0]?.length ?? 0);
}

/** Breaks text into at most maxLines lines no wider than width; null when it does not fit. */
function wrap(font: Font, text: string, size: number, width: number, maxLines: number): string[] | null {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(font, candidate, size) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    // One word wider than the line (a long URL, a formula) is cut where it overflows.
    while (textWidth(font, line, size) > width) {
      const cut = fittingLength(font, line, size, width);
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
    if (lines.length > maxLines) return null;
  }
  if (line) lines.push(line);
  return lines.length <= maxLines ? lines : null;
}

/** Text cut with an ellipsis so that it fits one line. */
function fitLine(font: Font, text: string, size: number, width: number): string {
  if (textWidth(font, text, size) <= width) return text;
  return `${text.slice(0, fittingLength(font, text, size, width - textWidth(font, '…', size))).trimEnd()}…`;
}

const MARGIN = 72;
const MAX_TITLE_CHARS = 600;
const TEXT_WIDTH = SHARE_IMAGE_WIDTH - 2 * MARGIN;
// Title sizes tried in turn, with how many lines each may take.
const TITLE_LAYOUTS = [
  { size: 64, lines: 4 },
  { size: 54, lines: 5 },
  { size: 46, lines: 6 },
];

function xml(s: string): string {
  // Characters XML 1.0 forbids (control characters, lone surrogates) are dropped; the five specials escaped.
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The card as SVG (also what a browser shows for the .svg thumbnail), laid out with the card's own fonts. */
export function shareCardSvg(card: ShareCard): string {
  const { regular, bold } = fonts();
  // More than six lines hold at the smallest size is never drawn; the cut keeps layout time bounded.
  const title = texToUnicodeLine(card.title.slice(0, MAX_TITLE_CHARS)) || card.id;
  let layout: { size: number; lines: string[] } | null = null;
  for (const { size, lines } of TITLE_LAYOUTS) {
    const wrapped = wrap(bold, title, size, TEXT_WIDTH, lines);
    if (wrapped) {
      layout = { size, lines: wrapped };
      break;
    }
  }
  if (!layout) {
    // Too long even at the smallest size: its first lines, the last one ending in an ellipsis.
    const { size, lines } = TITLE_LAYOUTS.at(-1)!;
    const all = wrap(bold, title, size, TEXT_WIDTH, Number.MAX_SAFE_INTEGER) ?? [title];
    layout = { size, lines: [...all.slice(0, lines - 1), fitLine(bold, all.slice(lines - 1).join(' '), size, TEXT_WIDTH)] };
  }
  const lineHeight = Math.round(layout.size * 1.2);
  const titleTop = 150;
  const titleSvg = layout.lines
    .map((line, i) => `<text x="${MARGIN}" y="${titleTop + i * lineHeight}" font-size="${layout.size}" font-weight="700">${xml(line)}</text>`)
    .join('');
  const names = card.authors
    .slice(0, 7)
    .map((a) => texToUnicodeLine(a))
    .filter(Boolean);
  const more = card.authors.length - Math.min(names.length, 6);
  const authorLine = fitLine(regular, names.slice(0, 6).join(', ') + (more > 0 ? ` and ${more} more` : ''), 30, TEXT_WIDTH);
  const facts = [`arXiv:${card.id}`, card.publishedOn, `${card.upvotes} upvote${card.upvotes === 1 ? '' : 's'}`].filter(Boolean).join('  ·  ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SHARE_IMAGE_WIDTH}" height="${SHARE_IMAGE_HEIGHT}" viewBox="0 0 ${SHARE_IMAGE_WIDTH} ${SHARE_IMAGE_HEIGHT}" font-family="${FAMILY}">`,
    `<rect width="${SHARE_IMAGE_WIDTH}" height="${SHARE_IMAGE_HEIGHT}" fill="#0f1115"/>`,
    `<rect x="0" y="0" width="12" height="${SHARE_IMAGE_HEIGHT}" fill="#8ab4f8"/>`,
    `<text x="${MARGIN}" y="80" font-size="28" font-weight="700" fill="#8ab4f8">Paperfeed</text>`,
    `<g fill="#e6e8eb">${titleSvg}</g>`,
    `<text x="${MARGIN}" y="${SHARE_IMAGE_HEIGHT - 100}" font-size="30" fill="#a3acb7">${xml(authorLine)}</text>`,
    `<text x="${MARGIN}" y="${SHARE_IMAGE_HEIGHT - 50}" font-size="28" fill="#8ab4f8">${xml(facts)}</text>`,
    '</svg>',
  ].join('\n');
}

const CACHED_CARDS = 256;
/** Rendered cards, keyed by a hash of their SVG (so a changed title or count is a new entry). */
const cache = new LruCache<string, Buffer>({ maxEntries: CACHED_CARDS });

/** The card as a 1200×630 PNG. */
export function shareCardPng(card: ShareCard): Buffer {
  const svg = shareCardSvg(card);
  const key = createHash('sha256').update(svg).digest('base64url');
  const cached = cache.get(key);
  if (cached) return cached;
  const png = new Resvg(svg, {
    fitTo: { mode: 'original' },
    font: { fontFiles: [FONT_FILES.regular, FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: FAMILY },
  })
    .render()
    .asPng();
  cache.set(key, png);
  return png;
}
