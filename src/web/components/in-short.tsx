// "In short": a paper in one sentence. Hugging Face's imported ai_summary when the paper has one, else the sentence
// the index build extracted from the abstract (src/search/tldr.ts), labelled as extracted so nobody takes it for a
// summary someone wrote. And the paper's keyphrases as chips, each a search for that phrase.
import type { StoredPaper } from '../../db/papers.ts';

type Summarised = Pick<StoredPaper, 'aiSummary' | 'tldr'>;

const EXTRACTED = 'a sentence of the abstract, picked automatically';

/** The sentence to show, and whether it was extracted; null when the paper has neither. */
export function shortSummary(paper: Summarised): { text: string; extracted: boolean } | null {
  if (paper.aiSummary) return { text: paper.aiSummary, extracted: false };
  return paper.tldr ? { text: paper.tldr, extracted: true } : null;
}

/** The paper page's section. */
export function InShortSection(props: { paper: Summarised }) {
  const short = shortSummary(props.paper);
  if (!short) return null;
  return (
    <section class="in-short" aria-labelledby="in-short">
      <h2 id="in-short">In short</h2>
      <p>{short.text}</p>
      {short.extracted && <p class="muted small">Extracted: {EXTRACTED}.</p>}
    </section>
  );
}

/** One line on a card. */
export function InShortLine(props: { paper: Summarised }) {
  const short = shortSummary(props.paper);
  if (!short) return null;
  return (
    <p class="in-short-line">
      <strong>In short{short.extracted ? ' (extracted)' : ''}:</strong> {short.text}
    </p>
  );
}

/** Keyphrase chips, each a search for the phrase as a phrase. */
export function KeyphraseChips(props: { keywords: string[]; extracted: boolean }) {
  if (!props.keywords.length) return null;
  return (
    <ul class="keyphrases" aria-label={props.extracted ? 'Keyphrases (extracted)' : 'Keywords'}>
      {props.keywords.slice(0, 5).map((k) => (
        <li>
          <a href={`/search?q=${encodeURIComponent(`"${k.replace(/"/g, '')}"`)}`}>{k}</a>
        </li>
      ))}
    </ul>
  );
}
