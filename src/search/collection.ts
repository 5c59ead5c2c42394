// What a query runs over: the segments (the stored ones and the delta: segments.ts, delta.ts) and the vocabulary
// of their live papers, author names as units and the spelling dictionary, as one collection. A single engine is a
// collection of one segment (benchmarks, tests); the service's is the delta's (Delta.collection).
//
// Names are exact: each segment has its own author index, and a key's papers are its live papers in every segment.
// Spelling counts are the sum of every segment's dictionary (the delta's counts its live papers), minus the words of
// stored papers since hidden (a hidden paper's text is the text its segment indexed). A stored paper superseded by
// a changed version keeps its old words counted until a full build, as BM25's document frequencies do
// (docs/search.md).
import type { SearchEngine } from './engine.ts';
import { DocCursor, END_OF_LIST } from './lexical/postings.ts';
import type { NameLookup } from './names/author-index.ts';
import type { Segment } from './segments.ts';
import { bySuggestionOrder, MAX_DISTANCE, type SpellingLookup, type Suggestion } from './spelling/dictionary.ts';

export interface Collection {
  segments: Segment[];
  /** Live papers. */
  docCount: number;
  /** Name keys → the live papers they sign, as global document numbers (ascending). */
  names: NameLookup;
  /** The live papers' spelling dictionary. */
  spelling: SpellingLookup;
}

export function engineCollection(engine: SearchEngine): Collection {
  return { segments: [{ engine, offset: 0, live: null }], docCount: engine.docCount, names: engine.authorNames, spelling: engine.spelling };
}

/** Author names over several segments: each segment's live papers for a key, in global numbers. */
export class SegmentNames implements NameLookup {
  constructor(private readonly segments: Segment[]) {}

  docs(key: string): Int32Array {
    const lists = this.segments.map(({ engine, offset, live }) => {
      const own = engine.authorNames.docs(key);
      const kept = live ? own.filter((d) => live[d] === 1) : own;
      return offset ? kept.map((d) => d + offset) : kept;
    });
    if (lists.length === 1) return lists[0];
    // Segments follow one another in global numbering, so the concatenation is ascending.
    const out = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
    let at = 0;
    for (const l of lists) {
      out.set(l, at);
      at += l.length;
    }
    return out;
  }
}

/**
 * Dictionaries of disjoint sets of papers taken together (each segment's, and the delta's), less `removed`: how
 * many papers that no longer count used each word. A word is offered when its resulting count reaches `minDf`, as
 * a fresh build keeps it.
 */
export class AdjustedSpelling implements SpellingLookup {
  constructor(
    private readonly dictionaries: readonly SpellingLookup[],
    private readonly removed: ReadonlyMap<string, number>,
    private readonly minDf: number,
  ) {}

  suggestions(word: string, maxDistance = MAX_DISTANCE): Suggestion[] {
    const found = new Map<string, Suggestion>();
    for (const dictionary of this.dictionaries) {
      for (const s of dictionary.suggestions(word, maxDistance)) {
        const known = found.get(s.word);
        if (known) known.df += s.df;
        else found.set(s.word, { ...s });
      }
    }
    const out: Suggestion[] = [];
    for (const s of found.values()) {
      s.df -= this.removed.get(s.word) ?? 0;
      if (s.df >= this.minDf) out.push(s);
    }
    return out.sort(bySuggestionOrder);
  }
}

/**
 * Live papers whose index holds a word or filter term, over every segment. Counting stops at `cap` (the answer is
 * then `cap`): a word's exact count matters only while it is rare, and counting past tombstones walks postings.
 */
export function liveDocumentFrequency(segments: Segment[], term: string, cap = Infinity): number {
  let n = 0;
  for (const { engine, live } of segments) {
    const id = engine.lexical.termIds.get(term);
    if (id === undefined) continue;
    const df = engine.lexical.offsets[id + 1] - engine.lexical.offsets[id];
    if (!live) n += df;
    else for (const cursor = new DocCursor(engine.lexical).open(id); cursor.doc !== END_OF_LIST && n < cap; cursor.next()) n += live[cursor.doc];
    if (n >= cap) return cap;
  }
  return n;
}
