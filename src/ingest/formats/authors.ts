// arXiv author lists arrive as one string in several formats (Kaggle, arXivRaw, the arXiv HTML listings):
// "A. One, B. Two and C. Three", sometimes with affiliations in parentheses "A. One (MIT), B. Two (1) ((1) ETH)".

/** Splits an author string at top-level commas and "and", dropping parenthesised affiliations. */
export function splitAuthorList(authors: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let current = '';
  const flush = () => {
    const name = current.replace(/\s+/g, ' ').trim();
    if (name) names.push(name);
    current = '';
  };
  for (let i = 0; i < authors.length; i++) {
    const ch = authors[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      if (ch === ',' || ch === ';' || ch === '\n') {
        flush();
        continue;
      }
      // " and " between names, but not inside a name.
      if (ch === ' ' && /^ and\s/i.test(authors.slice(i, i + 5))) {
        flush();
        i += 4;
        continue;
      }
      current += ch;
    }
  }
  flush();
  return names.map((n) => decodeLatexAccents(n.replace(/^and\s+/i, ''))).filter(Boolean);
}

// TeX accent commands as arXiv authors type them (Bal\'azs, M{\"u}ller, \v{S}koda) and their combining marks.
const SYMBOL_ACCENTS: Record<string, string> = { "'": '\u0301', '`': '\u0300', '"': '\u0308', '^': '\u0302', '~': '\u0303', '=': '\u0304', '.': '\u0307' };
const LETTER_ACCENTS: Record<string, string> = { u: '\u0306', v: '\u030C', H: '\u030B', c: '\u0327', k: '\u0328' };
const SPECIAL_LETTERS: Record<string, string> = { ss: 'ß', o: 'ø', O: 'Ø', l: 'ł', L: 'Ł', ae: 'æ', AE: 'Æ', oe: 'œ', aa: 'å', AA: 'Å', i: 'ı' };

/** Turns TeX accents in a name into Unicode ("Bal\\'azs" → "Balázs"); anything unrecognised is left as typed. */
export function decodeLatexAccents(name: string): string {
  if (!name.includes('\\')) return name;
  return name
    .replace(/\{?\\(['`"^~=.])\s*\{?([A-Za-z]|\\i)\}?\}?/g, (_, accent: string, letter: string) => (letter === '\\i' ? 'i' : letter) + SYMBOL_ACCENTS[accent])
    .replace(/\{?\\([uvHck])(?:\s+|\{)([A-Za-z])\}?\}?/g, (_, accent: string, letter: string) => letter + LETTER_ACCENTS[accent])
    .replace(/\{?\\(ss|ae|AE|oe|aa|AA|o|O|l|L|i)(?![A-Za-z])(?:\{\})?\}?\s?/g, (_, letter: string) => SPECIAL_LETTERS[letter])
    .normalize('NFC');
}

/** "Baillie, Robert" (Dublin Core style) → "Robert Baillie"; anything else is kept. */
export function forenamesFirst(name: string): string {
  const parts = name.split(',').map((s) => s.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) return name.trim();
  return `${parts[1]} ${parts[0]}`;
}

// Some listing crawls glued a whole author list into one entry: "Xiangyu Kongand Xiaoxia Xingand Fan Wangand …".
const GLUED_AND = /(?<=[a-z])and (?=\p{Lu})/gu;
const MIN_GLUED_JOINTS = 3;

/**
 * Splits entries that are really several names glued with "and". Needs several joints, so that one name
 * ending in "and" (Roland, Anand) is never split.
 */
export function unglueAuthorNames(names: string[]): string[] {
  return names.flatMap((name) => {
    // Cheap test first: this runs for every author of every listing row.
    if (name.length < 20 || !name.includes('and ') || (name.match(GLUED_AND)?.length ?? 0) < MIN_GLUED_JOINTS) return [name];
    return name
      .split(GLUED_AND)
      .map((n) => n.replace(/(?<=[a-z])and\s*$/, '').trim())
      .filter(Boolean);
  });
}
