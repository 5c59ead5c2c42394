import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { porterStem } from '../../../src/search/text/porter.ts';
import { analyze, normalizeText, terms } from '../../../src/search/text/analyze.ts';
import { WordMemo } from '../../../src/search/text/word-memo.ts';
import { parseQuery } from '../../../src/search/query.ts';
import { highlight, snippet } from '../../../src/search/highlight.ts';

describe('porterStem', () => {
  // Pairs from Porter's paper and the reference vocabulary.
  it.each([
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['ties', 'ti'],
    ['caress', 'caress'],
    ['cats', 'cat'],
    ['feed', 'feed'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['bled', 'bled'],
    ['motoring', 'motor'],
    ['sing', 'sing'],
    ['conflated', 'conflat'],
    ['troubled', 'troubl'],
    ['sized', 'size'],
    ['hopping', 'hop'],
    ['tanned', 'tan'],
    ['falling', 'fall'],
    ['hissing', 'hiss'],
    ['fizzed', 'fizz'],
    ['failing', 'fail'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['sky', 'sky'],
    ['relational', 'relat'],
    ['conditional', 'condit'],
    ['rational', 'ration'],
    ['valenci', 'valenc'],
    ['digitizer', 'digit'],
    ['conformabli', 'conform'],
    ['radicalli', 'radic'],
    ['differentli', 'differ'],
    ['vileli', 'vile'],
    ['analogousli', 'analog'],
    ['vietnamization', 'vietnam'],
    ['predication', 'predic'],
    ['operator', 'oper'],
    ['feudalism', 'feudal'],
    ['decisiveness', 'decis'],
    ['hopefulness', 'hope'],
    ['callousness', 'callous'],
    ['formaliti', 'formal'],
    ['sensitiviti', 'sensit'],
    ['sensibiliti', 'sensibl'],
    ['triplicate', 'triplic'],
    ['formative', 'form'],
    ['formalize', 'formal'],
    ['electriciti', 'electr'],
    ['electrical', 'electr'],
    ['hopeful', 'hope'],
    ['goodness', 'good'],
    ['revival', 'reviv'],
    ['allowance', 'allow'],
    ['inference', 'infer'],
    ['airliner', 'airlin'],
    ['adjustable', 'adjust'],
    ['defensible', 'defens'],
    ['irritant', 'irrit'],
    ['replacement', 'replac'],
    ['adjustment', 'adjust'],
    ['dependent', 'depend'],
    ['adoption', 'adopt'],
    ['homologou', 'homolog'],
    ['communism', 'commun'],
    ['activate', 'activ'],
    ['angulariti', 'angular'],
    ['homologous', 'homolog'],
    ['effective', 'effect'],
    ['bowdlerize', 'bowdler'],
    ['probate', 'probat'],
    ['rate', 'rate'],
    ['cease', 'ceas'],
    ['controll', 'control'],
    ['roll', 'roll'],
    ['generalizations', 'gener'],
    ['networks', 'network'],
  ])('%s → %s', (word, stem) => {
    expect(porterStem(word)).toBe(stem);
  });
});

describe('analyze', () => {
  it('stems, lowercases and drops stopwords', () => {
    expect(analyze('The Networks of the Learning').sequence).toEqual(['network', 'learn']);
  });
  it('keeps names with digits together and apart: GPT-4, BERT-large, 3D, X-ray', () => {
    expect(terms('GPT-4')).toEqual(['gpt', '4', 'gpt4']);
    expect(terms('GPT4')).toEqual(['gpt4']);
    expect(terms('BERT-large')).toEqual(['bert', 'larg']);
    expect(terms('3D reconstruction')).toEqual(['3d', 'reconstruct']);
    expect(terms('X-ray')).toEqual(['x', 'rai', 'xray']);
    expect(terms('GPT-3.5 and Llama-2')).toEqual(['gpt', '3.5', 'llama', '2', 'gpt3.5', 'llama2']);
  });
  it('handles LaTeX: commands dropped, Greek letters kept, braces and dollars ignored', () => {
    expect(terms('$\\mathcal{O}(n \\log n)$ time')).toEqual(['o', 'n', 'n', 'time']);
    expect(terms('$\\alpha$-divergence')).toEqual(['alpha', 'diverg']);
  });
  it('normalises Unicode: NFKC ligatures, full-width forms, diacritics', () => {
    expect(normalizeText('ﬁne-tuning Ｂｅｒｔ Schrödinger café')).toBe('fine-tuning bert schrodinger cafe');
    expect(terms('Schrödinger')).toEqual(terms('Schrodinger'));
  });
  it('folds British spellings into American ones', () => {
    const pairs = [
      ['tumour', 'tumor'],
      ['behavioural', 'behavioral'],
      ['ischaemia', 'ischemia'],
      ['haemoglobin', 'hemoglobin'],
      ['aetiology', 'etiology'],
      ['oedema', 'edema'],
      ['foetal', 'fetal'],
      ['diarrhoea', 'diarrhea'],
      ['randomised', 'randomized'],
      ['characterisation', 'characterization'],
      ['recognises', 'recognizes'],
      ['analysed', 'analyzed'],
    ];
    for (const [british, american] of pairs) expect(terms(british), british).toEqual(terms(american));
  });
  it('leaves words alone where folding would merge or split meanings', () => {
    // Each stays apart from its look-alike, or keeps sharing a stem with its own family.
    expect(terms('hour')).not.toEqual(terms('hor'));
    expect(terms('poem')).toEqual(['poem']);
    expect(terms('Michael Boeing')).toEqual(['michael', 'boe']);
    expect(terms('supervised')).toEqual(terms('supervision'));
    expect(terms('precise')).toEqual(terms('precision'));
    expect(terms('revised')).toEqual(terms('revision'));
    expect(terms('algae')).toEqual(['alga']);
  });
  it('drops possessives and survives empty or symbol-only input', () => {
    expect(terms("Alzheimer's disease")).toEqual(['alzheim', 'diseas']);
    expect(terms('')).toEqual([]);
    expect(terms('!!! ??? --- $$ \\\\')).toEqual([]);
  });
});

describe('parseQuery', () => {
  it('splits free words, phrases and field filters', () => {
    const p = parseQuery('diffusion "image generation" author:"Yann LeCun" category:cs.CV year:2020-2023');
    expect([...p.terms.keys()]).toEqual(['diffus', 'imag', 'gener']);
    expect(p.phrases).toEqual([['imag gener']]);
    expect(p.filters).toEqual({ categories: ['cs.cv'], authors: [['yann', 'lecun']], authorText: ['Yann LeCun'], yearFrom: 2020, yearTo: 2023 });
  });
  it('reads single years and open ranges', () => {
    expect(parseQuery('x year:2021').filters).toMatchObject({ yearFrom: 2021, yearTo: 2021 });
    expect(parseQuery('x year:2021-').filters.yearTo).toBeUndefined();
    expect(parseQuery('x year:-2019').filters).toMatchObject({ yearTo: 2019 });
    expect(parseQuery('x year:abc').filters.yearFrom).toBeUndefined();
  });
  it('treats an unbalanced quote as text, not as a phrase', () => {
    const p = parseQuery('"graph neural');
    expect(p.phrases).toEqual([]);
    expect([...p.terms.keys()]).toEqual(['graph', 'neural']);
  });
  it('a one-word phrase is a required term', () => {
    expect(parseQuery('"transformers" vision').required).toEqual(['transform']);
  });
  it('FTS and SQL operators, control characters and huge input are plain text', () => {
    expect([...parseQuery('NEAR(a b) AND c* OR NOT d^2').terms.keys()]).toEqual(['near', 'b', 'c', 'd', '2']);
    expect([...parseQuery("'; DROP TABLE papers; --").terms.keys()]).toEqual(['drop', 'tabl', 'paper']);
    expect([...parseQuery('a\u0000b\u001fc').terms.keys()]).toEqual(['b', 'c']);
    const big = parseQuery('word '.repeat(5_000));
    expect(big.terms.get('word')).toBe(4_000);
  });
  it('counts repeated words as query weight and adds adjacent bigrams', () => {
    const p = parseQuery('deep learning for deep nets');
    expect(p.terms.get('deep')).toBe(2);
    expect([...p.bigrams.keys()]).toEqual(['deep learn', 'learn deep', 'deep net']);
  });
});

describe('highlight and snippet', () => {
  const wanted = new Set(terms('graph networks GPT-4'));
  it('marks matched words in their original spelling', () => {
    expect(highlight('Graph Neural Networks & <GPT4>', wanted)).toEqual([
      { type: 'highlight', text: 'Graph' },
      { type: 'text', text: ' Neural ' },
      { type: 'highlight', text: 'Networks' },
      { type: 'text', text: ' & <' },
      { type: 'highlight', text: 'GPT4' },
      { type: 'text', text: '>' },
    ]);
    expect(highlight('nothing here', wanted)).toEqual([{ type: 'text', text: 'nothing here' }]);
  });
  it('cuts a window around the matches', () => {
    const text = 'lorem ipsum '.repeat(40) + 'graph networks are here' + ' dolor sit'.repeat(40);
    const s = snippet(text, wanted, 100);
    expect(s).toContain('graph networks');
    expect(s.startsWith('…')).toBe(true);
    expect(s.length).toBeLessThanOrEqual(103);
  });
});

describe('the word memos', () => {
  it('keep no text that a memoised word was cut from alive', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    // 80 texts of about 400 KB, each with a long word of its own: 32 MB if the memos kept the texts.
    for (let i = 0; i < 80; i++) {
      const text = `interferometrically${i}x ${'ordinary words of an abstract '.repeat(13_000)}`;
      analyze(text);
      highlight(text, new Set(['interferometr']));
    }
    gc();
    expect((process.memoryUsage().heapUsed - before) / 2 ** 20).toBeLessThan(8);
  });
});

describe('WordMemo', () => {
  it('holds at most two generations of words, however many words it sees', () => {
    const memo = new WordMemo<number>(1000);
    for (let i = 0; i < 50_000; i++) if (memo.get(`w${i}`) === undefined) memo.set(`w${i}`, i);
    expect(memo.size).toBeLessThanOrEqual(2000);
  });

  it('keeps a word used in every generation while rare words pass through', () => {
    const memo = new WordMemo<string>(1000);
    memo.set('the', 'the');
    for (let i = 0; i < 50_000; i++) {
      memo.set(`rare${i}`, 'x');
      // The frequent word comes back every few hundred words, as "the" does in any text.
      if (i % 500 === 0) expect(memo.get('the')).toBe('the');
    }
    expect(memo.get('the')).toBe('the');
    expect(memo.get('rare10')).toBeUndefined();
  });
});
