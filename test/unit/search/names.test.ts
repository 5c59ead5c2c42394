import { describe, expect, it } from 'vitest';
import { engineCollection } from '../../../src/search/collection.ts';
import { SearchEngine, type EngineDoc } from '../../../src/search/engine.ts';
import { indexKeys, parsePersonName, queryKeyReadings, typedWords } from '../../../src/search/names/person-name.ts';
import { findAuthorNames, signsAs } from '../../../src/search/names/query-names.ts';
import { planQuery, rankPlan } from '../../../src/search/pipeline.ts';
import { parseQuery } from '../../../src/search/query.ts';

describe('person names', () => {
  it.each([
    ['Yann LeCun', { surname: 'lecun', given: ['yann'] }],
    ['YANN LECUN', { surname: 'lecun', given: ['yann'] }],
    ['Bernhard Schölkopf', { surname: 'scholkopf', given: ['bernhard'] }],
    ['Thomas Müller', { surname: 'muller', given: ['thomas'] }],
    ['Matthias Nießner', { surname: 'niessner', given: ['matthias'] }],
    ['Y. LeCun', { surname: 'lecun', given: ['y'] }],
    ['J.-P. Sartre', { surname: 'sartre', given: ['j', 'p'] }],
    ['Jean-Pierre Sartre', { surname: 'sartre', given: ['jean', 'pierre'] }],
    ['Anna Smith-Jones', { surname: 'smithjones', given: ['anna'] }],
    ["Conan O'Brien", { surname: 'obrien', given: ['conan'] }],
    ['Ludwig van Beethoven', { surname: 'beethoven', given: ['ludwig'] }],
    ['Luc Van Gool', { surname: 'gool', given: ['luc'] }],
    ['Oriol de la Fuente', { surname: 'fuente', given: ['oriol'] }],
    ['LeCun, Yann', { surname: 'lecun', given: ['yann'] }],
    ['Martin Luther King, Jr.', { surname: 'king', given: ['martin', 'luther'] }],
    ['Noah A. Smith', { surname: 'smith', given: ['noah', 'a'] }],
    ['Wei He', { surname: 'he', given: ['wei'] }],
    ['He Wang', { surname: 'wang', given: ['he'] }],
  ])('reads %s', (name, expected) => {
    expect(parsePersonName(name)).toEqual(expected);
  });

  it('has no key for one-word names or names with digits', () => {
    expect(parsePersonName('DeepSeek-AI')).toBeNull();
    expect(parsePersonName('Plato')).toBeNull();
    expect(parsePersonName('Agent 007')).toBeNull();
  });

  it('indexes the full form, the first given name and the initials', () => {
    expect(indexKeys(parsePersonName('Noah A. Smith')!)).toEqual(['f|smith|noah a', 'i|smith|na', 'f|smith|noah', 'i|smith|n']);
    expect(indexKeys(parsePersonName('Y. LeCun')!)).toEqual(['f|lecun|y', 'i|lecun|y']);
  });

  it('reads typed initials as initials only when written as initials', () => {
    expect(queryKeyReadings(typedWords('Y. LeCun'))).toContainEqual(['i|lecun|y']);
    expect(queryKeyReadings(typedWords('Y LeCun'))).toContainEqual(['i|lecun|y']);
    // "k means" and "t cells" are not K. Means and T. Cells.
    expect(queryKeyReadings(typedWords('k means'))).toEqual([]);
    expect(queryKeyReadings(typedWords('Yann LeCun'))[0]).toEqual(['f|lecun|yann', 'f|lecun|y']);
  });
});

const doc = (id: string, title: string, abstract: string, authors: string[], day = '2025-01-01'): EngineDoc => ({
  id,
  title,
  abstract,
  authors,
  categories: ['cs.LG'],
  day,
});

const DOCS: EngineDoc[] = [
  doc('lecun1', 'Self-supervised learning from images', 'A joint embedding predictive architecture.', ['Mahmoud Assran', 'Yann LeCun'], '2025-03-01'),
  doc('lecun2', 'World models for planning', 'Energy-based world models plan actions.', ['Yann LeCun'], '2025-02-01'),
  doc('lecun3', 'Variance regularisation', 'VICReg avoids collapse.', ['A. Bardes', 'J. Ponce', 'Y. LeCun'], '2024-05-01'),
  doc(
    'yann',
    'Yann and the convolutional networks',
    'We revisit convolutional networks as introduced by LeCun, Yann and colleagues.',
    ['Rui Yann'],
    '2025-04-01',
  ),
  doc('cite', 'Learning deep networks', 'Following Yann LeCun and Geoffrey Hinton, we train deep networks.', ['Ada Lovelace'], '2025-05-01'),
  doc('wei-he', 'Graph contrastive learning', 'Contrastive views of graphs.', ['Wei He', 'Jun Zhu'], '2025-01-05'),
  doc('wei+he', 'Recommendation with graphs', 'He and Wei studied recommendation.', ['Wei Zhang', 'Kai He'], '2025-06-01'),
  doc('smith', 'Parsing with transformers', 'Syntactic parsing.', ['Noah A. Smith'], '2025-01-02'),
  doc('smith2', 'Smith normal forms of matrices', 'We compute the Smith form of integer matrices.', ['Ada Smith'], '2025-01-03'),
  doc('muller', 'Kernel methods', 'Support vector machines.', ['Klaus-Robert Müller'], '2025-01-04'),
];

describe('author names in queries', () => {
  const engine = SearchEngine.build(DOCS);
  const collection = engineCollection(engine);
  const ids = (query: string, mode: 'lexical' | 'hybrid' = 'lexical') => {
    const plan = planQuery(collection, query);
    return rankPlan(collection, plan, mode, 10, null).docs.map((d) => engine.ids.id(d));
  };

  it('ranks the named author first, newest first, not authors sharing a word or abstracts citing the name', () => {
    expect(ids('Yann LeCun').slice(0, 3)).toEqual(['lecun1', 'lecun2', 'lecun3']);
    expect(ids('yann lecun').slice(0, 3)).toEqual(['lecun1', 'lecun2', 'lecun3']);
    expect(ids('LeCun, Yann').slice(0, 3)).toEqual(['lecun1', 'lecun2', 'lecun3']);
    // The others still follow, ranked by the words.
    expect(ids('Yann LeCun')).toEqual(expect.arrayContaining(['yann', 'cite']));
  });

  it('reads initials: Y. LeCun finds Yann LeCun and Y. LeCun', () => {
    expect(ids('Y. LeCun').slice(0, 3).sort()).toEqual(['lecun1', 'lecun2', 'lecun3']);
  });

  it("ranks the named author's papers by the rest of the query", () => {
    expect(ids('Yann LeCun world models').slice(0, 3)).toEqual(['lecun2', 'lecun1', 'lecun3']);
    expect(ids('LeCun,Yann  world models').slice(0, 3)).toEqual(['lecun2', 'lecun1', 'lecun3']);
  });

  it('matches names made of common words as a unit', () => {
    expect(ids('Wei He')[0]).toBe('wei-he');
    const plan = planQuery(collection, 'Wei He');
    expect(plan.names.map((n) => n.docs.length)).toEqual([1]);
    expect(ids('Noah Smith')[0]).toBe('smith');
  });

  it('matches accents away and finds the same author through author:"Full Name"', () => {
    expect(ids('Klaus-Robert Muller')[0]).toBe('muller');
    const filtered = (q: string) => engine.rank(parseQuery(q), 'lexical', 10, null).docs.map((d) => engine.ids.id(d));
    expect(filtered('author:"Wei He"')).toEqual(['wei-he']);
    expect(filtered('author:"Yann LeCun"').sort()).toEqual(['lecun1', 'lecun2', 'lecun3']);
    // One word still matches any name containing it.
    expect(filtered('author:he').sort()).toEqual(['wei+he', 'wei-he']);
  });

  it('reads no name in ordinary queries or long ones', () => {
    expect(planQuery(collection, 'graph contrastive learning').names).toEqual([]);
    expect(planQuery(collection, 'k means clustering').names).toEqual([]);
    expect(findAuthorNames('a b c d e f g h i j k Yann LeCun', engine.authorNames)).toEqual([]);
  });

  it('tells which listed author a match is', () => {
    const [match] = planQuery(collection, 'yann lecun').names;
    expect(signsAs('Yann LeCun', match)).toBe(true);
    expect(signsAs('Y. LeCun', match)).toBe(true);
    expect(signsAs('Rui Yann', match)).toBe(false);
  });
});
