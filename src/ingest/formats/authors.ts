// arXiv author lists arrive as one string in several formats (Kaggle, arXivRaw, the arXiv HTML listings):
// "A. One, B. Two and C. Three", sometimes with affiliations in parentheses "A. One (MIT), B. Two (1) ((1) ETH)".
import { decodeLatexAccents } from '../../domain/tex.ts';

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
