// Person names → the keys under which a name is found, one pure function for the papers' author lists and for what
// people type. Normalisation: case and accents off (Müller = Muller, Nießner = Niessner), apostrophes dropped (O'Brien = OBrien),
// "Surname, Given" turned around, suffixes (Jr., III) dropped, particles between given names and surname
// (van, von, de, der, da, di, du, la, le, …) dropped, hyphenated given names split (Jean-Pierre = Jean Pierre) and a
// hyphenated surname glued (Smith-Jones = SmithJones). The surname is the last word, as the sources write names
// given-name first.
//
// Keys: the full form (surname + every given name), the first given name alone when there are several
// (Noah A. Smith is also Noah Smith), and the initials (Y. LeCun and Yann LeCun share "lecun y"). Typed full given
// names look up full forms and the initials-only form of their initials (Yann LeCun finds papers signed Y. LeCun);
// typed initials look up initials. Names of common words (a given name He, a surname Smith) are found as a unit,
// never as loose words.
import { normalizeText } from '../text/analyze.ts';

const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'dei',
  'da',
  'das',
  'dos',
  'di',
  'du',
  'la',
  'le',
  'ten',
  'ter',
  'zu',
  'af',
  'bin',
  'ibn',
  'al',
  'el',
]);
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);
const NAME_WORD = /^[\p{L}]+$/u;

export interface PersonName {
  surname: string;
  given: string[];
}

/** Words of a name as written: whitespace-separated, each split into its letter runs (J.-P. → j, p). */
function nameParts(text: string): string[][] {
  return normalizeText(text)
    .replace(/ß/g, 'ss')
    .replace(/['’]/g, '')
    .split(/\s+/)
    .map((w) => w.split(/[^\p{L}\p{N}]+/u).filter(Boolean))
    .filter((parts) => parts.length > 0);
}

/** Given names and surname of an author as a source writes it, or null for a one-word name or one with digits. */
export function parsePersonName(name: string): PersonName | null {
  let text = name;
  const comma = text.indexOf(',');
  if (comma >= 0 && text.indexOf(',', comma + 1) < 0) {
    const after = text.slice(comma + 1).trim();
    const before = text.slice(0, comma);
    text = SUFFIXES.has(after.toLowerCase().replace(/\./g, '')) ? before : `${after} ${before}`;
  }
  const words = nameParts(text);
  while (words.length > 1 && words.at(-1)!.length === 1 && SUFFIXES.has(words.at(-1)![0])) words.pop();
  return fromWords(words);
}

function fromWords(words: string[][]): PersonName | null {
  if (words.length < 2 || words.some((parts) => parts.some((p) => !NAME_WORD.test(p)))) return null;
  const surname = words.at(-1)!.join('');
  // A one-letter "surname" is an initial the other way round ("k means" read backwards), not a name.
  if (surname.length < 2) return null;
  const given = words.slice(0, -1).flatMap((parts, i) => (i > 0 && parts.length === 1 && PARTICLES.has(parts[0]) ? [] : parts));
  return given.length ? { surname, given } : null;
}

const initials = (given: string[]) => given.map((g) => g[0]).join('');

/** The keys an author of a paper is indexed under. */
export function indexKeys(name: PersonName): string[] {
  const { surname: s, given: g } = name;
  const keys = [`f|${s}|${g.join(' ')}`, `i|${s}|${initials(g)}`];
  if (g.length > 1) {
    if (g[0].length > 1) keys.push(`f|${s}|${g[0]}`);
    keys.push(`i|${s}|${g[0][0]}`);
  }
  return keys;
}

/** A typed name word: its letter parts, and whether it is written as an initial (upper case, or with a period). */
export interface TypedWord {
  raw: string;
  parts: string[];
}

export function typedWords(text: string): TypedWord[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((raw) => ({ raw, parts: nameParts(raw)[0] ?? [] }));
}

/** Written as initials: "Y.", "Y", "J.-P." — one upper-case letter or a letter with a period, per part. */
function writtenAsInitials(raw: string): boolean {
  return /^(?:\p{Lu}\.?|\p{L}\.)(?:[-‐]?(?:\p{Lu}\.?|\p{L}\.))*$/u.test(raw);
}

/**
 * The keys to look up for typed words read as one name, most literal reading first: given names then surname;
 * the last two words as one surname (Smith Jones for Smith-Jones); for two words, surname first (He Kaiming).
 * Empty when the words cannot be a name (digits, a single word, initials not written as initials).
 */
export function queryKeyReadings(words: TypedWord[]): string[][] {
  if (words.length < 2 || words.some((w) => !w.parts.length)) return [];
  const parts = words.map((w) => w.parts);
  const readings: { name: PersonName | null; words: TypedWord[] }[] = [{ name: fromWords(parts), words }];
  if (words.length >= 3) readings.push({ name: fromWords([...parts.slice(0, -2), [...parts.at(-2)!, ...parts.at(-1)!]]), words });
  if (words.length === 2) readings.push({ name: fromWords([parts[1], parts[0]]), words: [words[1], words[0]] });
  const out: string[][] = [];
  for (const { name, words: ordered } of readings) {
    if (!name) continue;
    const { surname: s, given: g } = name;
    if (g.every((x) => x.length === 1)) {
      // Initials only count as initials when written like initials: "k means" is not K. Means.
      if (ordered.slice(0, -1).every((w) => writtenAsInitials(w.raw) || PARTICLES.has(w.parts[0]))) out.push([`i|${s}|${initials(g)}`]);
      continue;
    }
    out.push([`f|${s}|${g.join(' ')}`, `f|${s}|${g.map((x) => x[0]).join(' ')}`]);
  }
  return out;
}
