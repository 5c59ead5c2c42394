// Avatars drawn here for anyone without a picture of their own: the initials of a name on a colour taken from the
// name, or a mirrored 5×5 identicon for a name with no letter or digit and for hashes (Hugging Face's default
// avatar files are named by 32 hex digits). The same text always gives the same picture, and every text gives one.
// Pure: the SVG is a string; the text inside it is escaped, so no name can add markup.

const SIZE = 64;
const HEX_HASH = /^[0-9a-f]{32}$/i;
const WORD_START = /^[\p{L}\p{N}]/u;
const SEPARATOR = /[^\p{L}\p{M}\p{N}]+/u;
/** Longer input adds nothing to a picture; bounding it bounds the work. */
const MAX_INPUT = 200;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** FNV-1a over UTF-16 code units: a small, stable spread of any text into 32 bits. */
function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function firstGrapheme(word: string): string {
  for (const { segment } of graphemes.segment(word)) return segment;
  return '';
}

/** Up to two initials: the first and the last word's first letter or digit ("Yann LeCun" → "YL", "alice" → "A"). */
export function initialsOf(name: string): string {
  const words = name
    .slice(0, MAX_INPUT)
    .split(SEPARATOR)
    .filter((w) => WORD_START.test(w));
  if (!words.length) return '';
  const picked = words.length === 1 ? [words[0]] : [words[0], words.at(-1)!];
  return picked.map((w) => firstGrapheme(w).toUpperCase()).join('');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function frame(body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">${body}</svg>`;
}

function initialsSvg(initials: string, hue: number): string {
  const fontSize = initials.length > 1 ? 26 : 32;
  return frame(
    `<rect width="${SIZE}" height="${SIZE}" fill="hsl(${hue} 45% 34%)"/>` +
      `<text x="50%" y="50%" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="${fontSize}" font-weight="600" fill="#ffffff">${escapeXml(initials)}</text>`,
  );
}

function identiconSvg(seed: string, hue: number): string {
  const bits = hash32(seed, 0x1b873593);
  const cell = SIZE / 6;
  const cells: string[] = [];
  // Five rows of three columns, mirrored around the middle column: 15 bits.
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      if (!((bits >>> (row * 3 + col)) & 1)) continue;
      for (const c of col === 2 ? [2] : [col, 4 - col]) {
        cells.push(`<rect x="${cell / 2 + c * cell}" y="${cell / 2 + row * cell}" width="${cell}" height="${cell}"/>`);
      }
    }
  }
  return frame(`<rect width="${SIZE}" height="${SIZE}" fill="hsl(${hue} 35% 92%)"/><g fill="hsl(${hue} 50% 40%)">${cells.join('')}</g>`);
}

/** The avatar for a name, user name, organisation or hash, as an SVG document. */
export function avatarSvg(text: string): string {
  const seed = text.slice(0, MAX_INPUT);
  const hue = hash32(seed) % 360;
  const initials = HEX_HASH.test(seed) ? '' : initialsOf(seed);
  return initials ? initialsSvg(initials, hue) : identiconSvg(seed, hue);
}
