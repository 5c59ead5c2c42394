// A full build streams its papers (build.ts): it reads them once to index and once more to embed those without a
// cached vector, holding no paper's text in between. What must hold for that: the second pass finds each indexed
// paper's text by id whatever changed in between, a rebuild with every vector cached reads the papers once, and
// the embedder trains on the same even sample it would take from the whole list.
import { describe, expect, it } from 'vitest';
import type { IndexablePaper } from '../../../src/db/search.ts';
import { buildSnapshot, type PaperSource } from '../../../src/search/build.ts';
import { CorpusEmbedder, trainCorpusModel } from '../../../src/search/semantic/corpus-embedder.ts';
import { paperText } from '../../../src/search/semantic/embedder.ts';
import type { EmbedderChoice } from '../../../src/search/semantic/prepare.ts';
import { loadCorpusModel, searchDir } from '../../../src/search/store.ts';
import { tempDir } from '../../helpers/db.ts';
import { topicCorpus } from '../../helpers/topic-corpus.ts';

const docs = topicCorpus({ papers: 300, vectors: false }).docs;
const papers: IndexablePaper[] = docs.map((d, i) => ({ ...d, hidden: i % 50 === 7, modifiedAt: '2026-01-01T00:00:00.000Z' }));
const visible = papers.filter((p) => !p.hidden);

/** A source that serves `passes[k]` on its k-th read (the last one from then on) and counts its reads. */
function source(...passes: IndexablePaper[][]): PaperSource & { reads: number } {
  const s = {
    reads: 0,
    visibleCount: async () => passes[0].filter((p) => !p.hidden).length,
    async *pages() {
      const pass = passes[Math.min(s.reads++, passes.length - 1)];
      for (let i = 0; i < pass.length; i += 64) yield pass.slice(i, i + 64);
    },
  };
  return s;
}

const choice = (dataDir: string): EmbedderChoice => ({
  dataDir,
  embedder: 'corpus',
  trainIfMissing: true,
  corpusModel: { dimensions: 12, contrastiveEpochs: 1, maxDocs: 40 },
});

describe('search build from a paper source', () => {
  it('embeds every indexed paper in a second pass, by id, whatever was added or hidden meanwhile', async () => {
    // Between the passes a paper arrives (id sorting first) and an indexed one is hidden.
    const arrived: IndexablePaper = { ...papers[0], id: '2401.00001', title: 'arrived later', hidden: false };
    const second = [arrived, ...papers.map((p) => (p.id === visible[3].id ? { ...p, hidden: true } : p))];
    const from = source(papers, second);
    const built = await buildSnapshot(from, choice(tempDir()));
    expect(from.reads).toBe(2);
    const { docs: table, vectors } = built.content;
    expect(table.ids.count).toBe(visible.length);
    expect(table.ids.doc(arrived.id)).toBeUndefined();
    const embedder = built.embedder!;
    for (const p of [visible[0], visible[3], visible[visible.length - 1]]) {
      const doc = table.ids.doc(p.id)!;
      const expected = (await embedder.embed([paperText(p.title, p.abstract)]))[0];
      const stored = vectors!.vector(doc);
      const cosine = expected.reduce((s, x, i) => s + x * stored[i], 0);
      expect(cosine).toBeGreaterThan(0.99);
    }
  });

  it('reads the papers once when every vector is cached', async () => {
    const dataDir = tempDir();
    await buildSnapshot(source(papers), choice(dataDir));
    const again = source(papers);
    await buildSnapshot(again, choice(dataDir));
    expect(again.reads).toBe(1);
  });

  it('trains the embedder on the sample trainCorpusModel takes from the whole list, and records the corpus size', async () => {
    const dataDir = tempDir();
    const built = await buildSnapshot(source(papers), choice(dataDir));
    const whole = trainCorpusModel(
      visible.map((p) => paperText(p.title, p.abstract)),
      choice(dataDir).corpusModel,
    );
    expect(built.embedder!.id).toBe(new CorpusEmbedder(whole).id);
    expect(loadCorpusModel(searchDir(dataDir))!.trainedOnDocs).toBe(visible.length);
  });
});
