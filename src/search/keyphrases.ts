// Keyphrases of a paper: the noun phrases of its title and abstract that are frequent in it and rare in the
// corpus, as a reader would name its topics ("process reward model", "web navigation").
//
// Candidates are noun phrases read off the part-of-speech tags (text/prose.ts): runs of adjectives and nouns
// ending in a noun, or in a gerund used as one ("reinforcement learning"), never crossing punctuation or a verb,
// so no fragment like "derived entirely" or "scans following" can come out. Evaluative openers ("novel",
// "existing", "superior") are dropped, and so is an opening adjective the corpus never pairs with the next word
// ("thoughtful reward design" → "reward design"). Every run of 1–4 words inside a phrase is a candidate, scored by
// its frequency in the paper (title counted like the abstract, at half weight) times its rarity in the corpus
// (idf of the phrase, its least frequent word pair standing in for the phrase), times 1 + (words − 1): a phrase
// the paper repeats beats its single words. Chosen best first, skipping any candidate inside or around one
// already chosen. Precision against Hugging Face's ai_keywords is measured by `npm run bench -- keyphrases`.
import { documentFrequency, lookupTerm, type LexicalIndex } from './lexical/index.ts';
import { analyze, bigram } from './text/analyze.ts';
import { readProse, type ProseSentence, type TaggedWord } from './text/prose.ts';

/** How many papers contain a word or an adjacent word pair ("a b", analysed terms), out of docCount. */
export interface PhraseStatistics {
  docCount: number;
  df(term: string): number;
}

export function indexStatistics(index: LexicalIndex): PhraseStatistics {
  return {
    docCount: index.docCount,
    df(term) {
      const id = lookupTerm(index, term);
      return id === undefined ? 0 : documentFrequency(index, id);
    },
  };
}

/** The same statistics on copies of the arrays they read, for when the index's own arrays move to another thread. */
export function detachedStatistics(index: LexicalIndex): PhraseStatistics {
  return indexStatistics({ ...index, offsets: index.offsets.slice(), bigramKeys: index.bigramKeys.slice() });
}

const MAX_WORDS = 4;
const TITLE_WEIGHT = 0.5;
/** An opening adjective seen before the next word in fewer papers than this is a passing description. */
const ATTESTED_PAIR = 3;
const NOUN_TAGS = new Set(['NOUN', 'PROPN']);
const PHRASE_TAGS = new Set(['NOUN', 'PROPN', 'ADJ']);
/** Tags after which an -ing verb takes an object ("using large models") rather than ending a noun phrase. */
const OBJECT_TAGS = new Set(['DET', 'ADJ', 'NOUN', 'PROPN', 'NUM', 'PRON']);
const EVALUATIVE = new Set(
  (
    'novel new proposed existing various different several many numerous significant extensive comprehensive current ' +
    'previous prior recent superior strong simple effective promising remarkable substantial key main overall further ' +
    'additional specific particular general diverse wide broad unified improved better best high low first second third ' +
    'other same certain typical traditional conventional standard popular common critical crucial important essential ' +
    'fundamental great'
  ).split(' '),
);

/** Noun phrases of one sentence, as word lists. */
function nounPhrases(words: TaggedWord[]): TaggedWord[][] {
  const phrases: TaggedWord[][] = [];
  let current: TaggedWord[] = [];
  const flush = () => {
    while (current.length && EVALUATIVE.has(current[0].text.toLowerCase())) current.shift();
    while (current.length && !NOUN_TAGS.has(current[current.length - 1].pos)) current.pop();
    if (current.length) phrases.push(current);
    current = [];
  };
  words.forEach((w, i) => {
    const next = words[i + 1];
    const gerundHead = w.pos === 'VERB' && current.length > 0 && /ing$/i.test(w.text) && !(next && OBJECT_TAGS.has(next.pos));
    if (/\p{L}/u.test(w.text) && (PHRASE_TAGS.has(w.pos) || gerundHead)) current.push(gerundHead ? { text: w.text, pos: 'NOUN' } : w);
    else flush();
  });
  flush();
  return phrases;
}

/** "Aha Moment" → "aha moment": title case is undone, names and acronyms (GPT-4o, LoRA, RL) are kept. */
function displayWord(word: string): string {
  return /^\p{Lu}[\p{Ll}-]*$/u.test(word) ? word.toLowerCase() : word;
}

interface Candidate {
  surface: string;
  terms: string[];
  count: number;
  first: number;
}

export function keyphrasesOf(stats: PhraseStatistics, title: ProseSentence[], abstract: ProseSentence[], max = 5): string[] {
  const candidates = new Map<string, Candidate>();
  const attested = (a: string[], b: string[]) => stats.df(bigram(a[a.length - 1], b[0])) >= ATTESTED_PAIR;
  let order = 0;
  for (const [sentences, weight] of [
    [title, TITLE_WEIGHT],
    [abstract, 1],
  ] as const) {
    for (const sentence of sentences) {
      for (const phrase of nounPhrases(sentence.words)) {
        const phraseTerms = phrase.map((w) => analyze(w.text).sequence);
        for (let i = 0; i < phrase.length; i++) {
          if (!phraseTerms[i].length) continue;
          const weakOpener = phrase[i].pos === 'ADJ' && i + 1 < phrase.length && phraseTerms[i + 1].length > 0 && !attested(phraseTerms[i], phraseTerms[i + 1]);
          if (weakOpener) continue;
          for (let j = i + 1; j <= Math.min(phrase.length, i + MAX_WORDS); j++) {
            if (!NOUN_TAGS.has(phrase[j - 1].pos)) continue;
            const key = phraseTerms.slice(i, j).flat();
            const id = key.join(' ');
            const seen = candidates.get(id);
            if (seen) seen.count += weight;
            else
              candidates.set(id, {
                surface: phrase
                  .slice(i, j)
                  .map((w) => displayWord(w.text))
                  .join(' '),
                terms: key,
                count: weight,
                first: order++,
              });
          }
        }
      }
    }
  }
  const scored = [...candidates.values()]
    .map((c) => ({ c, df: phraseFrequency(stats, c.terms) }))
    // Unknown to the index (a word pair dropped as unique in a large corpus): not a phrase it can vouch for.
    .filter((x) => x.df > 0)
    .map(({ c, df }) => ({ c, score: c.count * Math.log(stats.docCount / df) * c.terms.length }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.c.first - b.c.first);
  const chosen: Candidate[] = [];
  for (const { c } of scored) {
    const inner = ` ${c.terms.join(' ')} `;
    if (chosen.some((o) => ` ${o.terms.join(' ')} `.includes(inner) || inner.includes(` ${o.terms.join(' ')} `))) continue;
    chosen.push(c);
    if (chosen.length === max) break;
  }
  return chosen.map((c) => c.surface);
}

/** Papers holding a phrase, estimated by its least frequent adjacent pair (a word's own count for one word). */
function phraseFrequency(stats: PhraseStatistics, phraseTerms: string[]): number {
  if (phraseTerms.length === 1) return stats.df(phraseTerms[0]);
  let least = Infinity;
  for (let i = 1; i < phraseTerms.length; i++) least = Math.min(least, stats.df(bigram(phraseTerms[i - 1], phraseTerms[i])));
  return least;
}

export function keyphrases(stats: PhraseStatistics, title: string, abstract: string, max = 5): string[] {
  return keyphrasesOf(stats, readProse(title), readProse(abstract), max);
}
