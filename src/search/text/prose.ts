// Prose → sentences of words tagged with their part of speech (universal tags: NOUN, PROPN, ADJ, VERB, …), by
// wink-nlp's English model: what keyphrase extraction and the extractive TL;DR read a title or an abstract as.
// Hyphenated compounds ("quantization-aware", "GPT-4o") come back as one word, as they are written; the tagger
// splits them. One pipeline per process, made on first use (the model loads in about 100 ms).
import winkNLP, { type ItemSentence, type ItemToken, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export interface TaggedWord {
  text: string;
  pos: string;
}

export interface ProseSentence {
  text: string;
  words: TaggedWord[];
}

let pipeline: WinkMethods | null = null;

function nlp(): WinkMethods {
  pipeline ??= winkNLP(model, ['sbd', 'pos']);
  return pipeline;
}

const NOUNS = new Set(['NOUN', 'PROPN']);

export function readProse(text: string): ProseSentence[] {
  const its = nlp().its;
  const out: ProseSentence[] = [];
  nlp()
    .readDoc(text)
    .sentences()
    .each((sentence: ItemSentence) => {
      const words: TaggedWord[] = [];
      let glueNext = false;
      sentence.tokens().each((token: ItemToken) => {
        const value = token.out();
        const pos = token.out(its.pos) as string;
        const last = words[words.length - 1];
        if (last && token.out(its.precedingSpaces) === '' && (value === '-' || glueNext)) {
          // A compound with a noun in it acts as a noun ("rule-based", "large-scale" modify like nouns do).
          last.text += value;
          if (value !== '-' && (NOUNS.has(pos) || (!NOUNS.has(last.pos) && pos !== 'NUM'))) last.pos = pos;
          glueNext = value === '-';
          return;
        }
        glueNext = false;
        words.push({ text: value, pos });
      });
      out.push({ text: sentence.out(), words });
    });
  return out;
}
