// A small generated corpus for recommendation tests: papers on a handful of topics, each topic with its own
// words over a shared background vocabulary, spread over days, indexed and embedded by the search engine's own
// builders (so the tests exercise the real features, not a stand-in).
import type { EngineDoc } from '../../src/search/engine.ts';
import { SearchEngine } from '../../src/search/engine.ts';
import type { Database } from '../../src/db/connect.ts';
import { upsertPapers } from '../../src/db/papers.ts';
import { seededRandom } from '../../src/domain/seeded-random.ts';
import { CorpusEmbedder, trainCorpusModel } from '../../src/search/semantic/corpus-embedder.ts';
import { paperText } from '../../src/search/semantic/embedder.ts';
import { QuantizedVectors } from '../../src/search/semantic/quantized.ts';
import { makePaper } from './factory.ts';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pu', 'da', 'fe'];

/** A made-up word per (prefix, i): distinct, stable, never a stopword or a number. */
function word(prefix: string, i: number): string {
  return prefix + SYLLABLES[i % SYLLABLES.length] + SYLLABLES[Math.floor(i / SYLLABLES.length) % SYLLABLES.length] + 'x';
}

export interface TopicCorpus {
  docs: (EngineDoc & { topic: number })[];
  engine: SearchEngine;
}

export interface TopicCorpusOptions {
  topics: number;
  papers: number;
  days: number;
  seed: number;
  /** Share of a paper's words drawn from its topic (the rest from the background vocabulary). */
  topicShare: number;
  /** Attach corpus-trained vectors (the semantic side). */
  vectors: boolean;
}

/** Papers 0..n-1 in date order, paper i on day ⌊i · days / n⌋ from 2025-01-01, topic drawn at random. */
export function topicCorpus(options: Partial<TopicCorpusOptions> = {}): TopicCorpus {
  const o: TopicCorpusOptions = { topics: 8, papers: 600, days: 60, seed: 11, topicShare: 0.6, vectors: true, ...options };
  const rand = seededRandom(o.seed);
  const topicWords = Array.from({ length: o.topics }, (_, t) => Array.from({ length: 25 }, (_, i) => word(`t${String.fromCharCode(97 + t)}`, i)));
  const background = Array.from({ length: 200 }, (_, i) => word('b', i));
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)];
  const text = (topic: number, n: number) => Array.from({ length: n }, () => (rand() < o.topicShare ? pick(topicWords[topic]) : pick(background))).join(' ');
  const start = Date.parse('2025-01-01T00:00:00Z');
  const docs = Array.from({ length: o.papers }, (_, i) => {
    const topic = Math.floor(rand() * o.topics);
    const day = new Date(start + Math.floor((i * o.days) / o.papers) * 86_400_000).toISOString().slice(0, 10);
    return {
      id: `2501.${String(i).padStart(5, '0')}`,
      title: text(topic, 6),
      abstract: text(topic, 60),
      authors: [`Author ${i % 40}`],
      categories: ['cs.LG'],
      day,
      topic,
    };
  });
  const engine = SearchEngine.build(docs);
  if (o.vectors) {
    const texts = docs.map((d) => paperText(d.title, d.abstract));
    const model = trainCorpusModel(texts, { dimensions: 24, contrastiveEpochs: 2 });
    const embedder = new CorpusEmbedder(model);
    const vectors = new Float32Array(docs.length * model.dimensions);
    texts.forEach((t, i) => {
      vectors.set(embedder.embedOne(t), i * model.dimensions);
    });
    engine.vectors = QuantizedVectors.from(vectors, model.dimensions);
  }
  return { docs, engine };
}

/** The corpus's documents stored as papers, each announced and submitted on its day: for tests that need them in a store. */
export async function storeTopicCorpus(database: Database, corpus: TopicCorpus): Promise<void> {
  await upsertPapers(
    database,
    corpus.docs.map((d) =>
      makePaper({
        id: d.id,
        title: d.title,
        abstract: d.abstract,
        authors: d.authors,
        categories: d.categories,
        announcedOn: d.day,
        submittedAt: `${d.day}T00:00:00Z`,
      }),
    ),
  );
}
